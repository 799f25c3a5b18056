package io.steelthread.dataflow.client;

/** Data Flow refused or failed what the client asked; the message says which definition and what was done. */
public class ApplyException extends RuntimeException {

    public ApplyException(String message, Throwable cause) {
        super(message, cause);
    }
}
