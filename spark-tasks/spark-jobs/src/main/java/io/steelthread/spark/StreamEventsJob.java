package io.steelthread.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The seed's streaming jobs: {@code write_swords_stream.py} (Parquet sink, checkpoint, 10 s trigger) and
 * {@code filter_swords_stream.py} ({@code --sink console}). It runs until the query fails, the driver is killed,
 * or the stop file appears, which stops the query between batches.
 */
@Command(name = "stream", mixinStandardHelpOptions = true)
public final class StreamEventsJob implements Callable<Integer> {

    @Mixin
    EventSourceOptions source = new EventSourceOptions();

    @Option(names = "--checkpoint", required = true, description = "Checkpoint directory (offsets and commits).")
    String checkpoint;

    @Option(names = "--trigger", defaultValue = "10 seconds", description = "Micro-batch interval (default: ${DEFAULT-VALUE}).")
    String trigger;

    @Option(names = "--sink", defaultValue = "parquet", description = "parquet or console (default: ${DEFAULT-VALUE}).")
    String sink;

    @Option(names = "--stop-file", description = "When this file exists the query stops cleanly.")
    String stopFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamEventsJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSession.builder().appName("StreamEventsJob").getOrCreate();
        try {
            Dataset<Row> events = GameEventTransform.events(source.stream(spark).load(), EventSchema.enrichedEvent(),
                    source.eventTypes());
            events.printSchema();
            DataStreamWriter<Row> writer = events.writeStream();
            ParquetSink parquet = null;
            if ("console".equals(sink)) {
                writer.format("console").option("checkpointLocation", checkpoint);
            }
            else {
                parquet = ParquetSink.attach(writer, source.tablePath, checkpoint);
            }
            StreamingQuery query = writer.trigger(Trigger.ProcessingTime(trigger)).start();
            while (!query.awaitTermination(TimeUnit.SECONDS.toMillis(1))) {
                if (stopFile != null && Files.exists(Path.of(stopFile))) {
                    query.stop();
                }
            }
            System.out.println("StreamEventsJob stopped after writing " + (parquet == null ? 0 : parquet.rowsWritten())
                    + " rows");
            return 0;
        }
        finally {
            spark.stop();
        }
    }
}
