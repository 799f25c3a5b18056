package io.steelthread.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
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

    @Option(names = "--checkpoint", description = "Checkpoint directory (offsets and commits); required for the parquet sink.")
    String checkpoint;

    @Option(names = "--trigger", defaultValue = "10 seconds", description = "Micro-batch interval (default: ${DEFAULT-VALUE}).")
    String trigger;

    /**
     * A stream started on a backlog (a new table, a stopped task) would otherwise read all of it as one batch: a
     * long, memory-heavy commit that is all or nothing. Bounded, the backlog is worked off batch after batch.
     */
    @Option(names = "--max-offsets-per-trigger", defaultValue = "200000",
            description = "Kafka records read per micro-batch at most, over all partitions (default: ${DEFAULT-VALUE}).")
    long maxOffsetsPerTrigger;

    @Option(names = "--sink", defaultValue = "parquet", description = "parquet or console (default: ${DEFAULT-VALUE}).")
    String sink;

    @Option(names = "--stop-file", description = "When this file exists the query stops between batches.")
    String stopFile;

    @Option(names = "--metastore-uri", description = "Hive metastore (thrift://…) to register new partitions in.")
    String metastoreUri;

    @Option(names = "--hive-table", description = "The table (db.table) whose partitions the sink registers as it commits them.")
    String hiveTable;

    @Option(names = "--result-file", description = "Where to write {\"rows\":n} (rows written by this run) when the query stops.")
    String resultFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamEventsJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        SparkSession spark = JobSessions.builder("StreamEventsJob", hiveTable == null ? null : metastoreUri).getOrCreate();
        try {
            boolean console = "console".equals(sink);
            if (!console && checkpoint == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--checkpoint is required for the parquet sink");
            }
            // The console sink is the seed's filter_swords_stream: what arrives from now on, no checkpoint.
            DataStreamReader reader = (console ? source.stream(spark).option("startingOffsets", "latest") : source.stream(spark))
                    .option("maxOffsetsPerTrigger", maxOffsetsPerTrigger);
            Dataset<Row> events = GameEventTransform.events(reader.load(), EventSchema.enrichedEvent(), source.eventTypes());
            events.printSchema();
            DataStreamWriter<Row> writer = events.writeStream();
            ParquetSink parquet = null;
            if (console) {
                writer.format("console");
            }
            else {
                parquet = ParquetSink.attach(writer, source.tablePath, checkpoint, metastoreUri == null ? null : hiveTable);
            }
            spark.streams().addListener(new ProgressReporter());
            StreamingQuery query = writer.trigger(Trigger.ProcessingTime(trigger)).start();
            boolean reported = false;
            while (!query.awaitTermination(TimeUnit.SECONDS.toMillis(1))) {
                if (!reported && query.lastProgress() != null) {
                    // The first trigger has run: the query's starting offsets are fixed, events from now on are read.
                    System.out.println("StreamEventsJob query running (" + sink + " sink)");
                    reported = true;
                }
                if (stopFile != null && Files.exists(Path.of(stopFile))) {
                    if (parquet != null) {
                        parquet.stopBetweenBatches(query);
                    }
                    else {
                        query.stop();
                    }
                }
            }
            long rows = parquet == null ? 0 : parquet.rowsWritten();
            System.out.println("StreamEventsJob stopped after writing " + rows + " rows");
            JobResult.rows(rows).write(resultFile);
            return 0;
        }
        finally {
            spark.stop();
        }
    }
}
