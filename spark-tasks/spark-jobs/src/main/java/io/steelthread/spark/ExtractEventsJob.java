package io.steelthread.spark;

import java.util.concurrent.Callable;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The seed's batch job ({@code filtered_writes.py}, {@code write_hive_table.py}): events of the wanted types from
 * Kafka to Parquet, partitioned by event_date/event_hour. Either all of the topic, earliest to latest, replacing
 * the table (the seed's overwrite), or incrementally from where the last run stopped ({@code --checkpoint}: a
 * streaming query with {@code Trigger.AvailableNow}, so offsets and files commit together).
 */
@Command(name = "extract", mixinStandardHelpOptions = true)
public final class ExtractEventsJob implements Callable<Integer> {

    @Mixin
    EventSourceOptions source = new EventSourceOptions();

    @Option(names = "--checkpoint", description = "Incremental: the checkpoint of the offsets read so far.")
    String checkpoint;

    @Option(names = "--result-file", description = "Where to write {\"rows\":n} for the launching task.")
    String resultFile;

    public static void main(String[] args) {
        int exit = new CommandLine(new ExtractEventsJob()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        SparkSession spark = JobSessions.builder("ExtractEventsJob").getOrCreate();
        try {
            long start = System.nanoTime();
            long rows = checkpoint == null ? extractAll(spark) : extractNew(spark);
            double seconds = (System.nanoTime() - start) / 1e9;
            // Session start-up excluded: bench/extract.sh prints this rate beside spark-submit's wall time.
            System.out.printf("ExtractEventsJob wrote %d rows to %s in %.1f s (%.0f events/s)%n", rows, source.tablePath,
                    seconds, rows / seconds);
            JobResult.write(resultFile, rows);
            return 0;
        }
        finally {
            spark.stop();
        }
    }

    private long extractAll(SparkSession spark) {
        Dataset<Row> kafka = source.batch(spark).option("startingOffsets", "earliest").option("endingOffsets", "latest")
                .load();
        Dataset<Row> events = GameEventTransform.events(kafka, EventSchema.enrichedEvent(), source.eventTypes());
        events.printSchema();
        EventTableLayout.partitioned(events.write().mode(SaveMode.Overwrite)).parquet(source.tablePath);
        // The table was replaced: counting it reads Parquet metadata, not the events a second time.
        return spark.read().parquet(source.tablePath).count();
    }

    private long extractNew(SparkSession spark) throws Exception {
        Dataset<Row> events = GameEventTransform.events(source.stream(spark).load(), EventSchema.enrichedEvent(),
                source.eventTypes());
        events.printSchema();
        DataStreamWriter<Row> writer = events.writeStream();
        ParquetSink sink = ParquetSink.attach(writer, source.tablePath, checkpoint, null);
        StreamingQuery query = writer.trigger(Trigger.AvailableNow()).start();
        query.awaitTermination();
        return sink.rowsWritten();
    }
}
