package io.steelthread.processor.event;

/** An event that goes to the dead-letter topic; the message is the reason recorded with it. */
public class RejectedEventException extends RuntimeException {

    public RejectedEventException(String reason) {
        super(reason, null, false, false);
    }
}
