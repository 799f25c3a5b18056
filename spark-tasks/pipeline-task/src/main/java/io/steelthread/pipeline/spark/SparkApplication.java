package io.steelthread.pipeline.spark;

import java.util.List;

/** A Spark application of the spark-jobs jar: its main class and arguments. */
public record SparkApplication(String name, String mainClass, List<String> args) {
}
