package io.steelthread.pipeline.presto;

/** What Presto shows differs from what the pipeline expects; the message lists every difference. */
public class ValidationFailedException extends RuntimeException {

    public ValidationFailedException(String message) {
        super(message);
    }
}
