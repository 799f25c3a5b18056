package io.steelthread.pipeline.spark;

/** The Spark application did not finish: its final state and the end of its output. */
public class SparkApplicationFailedException extends RuntimeException {

    public SparkApplicationFailedException(String message) {
        super(message);
    }
}
