package io.steelthread.source.event;

/** A request that cannot become an event; its message is the reason the client is told. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String reason) {
        super(reason);
    }
}
