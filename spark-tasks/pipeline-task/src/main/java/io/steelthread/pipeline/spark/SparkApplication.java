package io.steelthread.pipeline.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.steelthread.pipeline.PipelineProperties;

/**
 * A Spark application of the spark-jobs jar: its main class and arguments, and for a streaming application the
 * file whose creation asks it to stop between batches.
 *
 * @param table    the table it writes (a metric label)
 * @param stopFile null for batch applications
 */
public record SparkApplication(String name, String table, String mainClass, List<String> args, Path stopFile) {

    /** The arguments every job takes: where events come from, which types, which table directory. */
    public static List<String> sourceArgs(PipelineProperties properties, String table) {
        PipelineProperties.Extract source = properties.getExtract();
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", source.getBootstrapServers(),
                "--topic", source.getTopic(),
                "--event-types", String.join(",", source.getEventTypes()),
                "--table-path", properties.tableLocation(table)));
        if (source.isFailOnDataLoss()) {
            args.add("--fail-on-data-loss");
        }
        return args;
    }
}
