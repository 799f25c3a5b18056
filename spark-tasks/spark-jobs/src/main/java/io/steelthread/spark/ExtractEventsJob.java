package io.steelthread.spark;

import java.util.concurrent.Callable;

import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
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

    @Option(names = "--result-file", description = "Where to write {\"rows\":n,\"tableRows\":m} for the launching task.")
    String resultFile;

    @Option(names = "--metastore-uri", description = "The Hive metastore (thrift://…) of --hive-table.")
    String metastoreUri;

    @Option(names = "--hive-table", description = "The table (db.table) in the metastore. Full: switched to the new "
            + "rows in the metastore when it exists (readers never see the table half-written). Incremental: its "
            + "partitions are registered as batches commit, and its rows are counted after the run (through its "
            + "partitions' locations, which a compaction moves).")
    String hiveTable;

    public static void main(String[] args) {
        int exit = new CommandLine(new ExtractEventsJob()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Events of the wanted types this run dropped for lack of event_date/event_hour. */
    private long unpartitionable;

    @Override
    public Integer call() throws Exception {
        boolean incremental = checkpoint != null;
        SparkSession spark = JobSessions.builder("ExtractEventsJob", hiveTable != null ? metastoreUri : null)
                .getOrCreate();
        try {
            long start = System.nanoTime();
            long rows;
            try {
                rows = incremental ? extractNew(spark) : extractAll(spark);
            }
            catch (NoEventsException e) {
                System.err.println("ERROR " + e.getMessage());
                return 3;
            }
            if (unpartitionable > 0) {
                // Not silent: the count goes to the log, the result (the task's metrics) and the task's step.
                System.out.printf("WARNING ExtractEventsJob dropped %d events of the wanted types that had no "
                        + "event_date/event_hour (not written to any partition)%n", unpartitionable);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            // Session start-up excluded: bench/extract.sh prints this rate beside spark-submit's wall time.
            System.out.printf("ExtractEventsJob wrote %d rows to %s in %.1f s (%.0f events/s)%n", rows, source.tablePath,
                    seconds, rows / seconds);
            Long tableRows = incremental ? tableRows(spark) : Long.valueOf(rows);
            if (incremental) {
                System.out.printf("ExtractEventsJob: the table holds %d rows after this run%n", tableRows);
            }
            new JobResult(rows, tableRows, null, unpartitionable).write(resultFile);
            return 0;
        }
        finally {
            spark.stop();
        }
    }

    /**
     * The seed's overwrite, made safe for readers: the rows go to a new version directory first; only when the
     * write succeeded and holds rows are readers switched to it ({@link TableVersions}). A run that fails, or finds
     * no events, leaves the table as it was.
     */
    private long extractAll(SparkSession spark) throws Exception {
        Dataset<Row> kafka = source.batch(spark).option("startingOffsets", "earliest").option("endingOffsets", "latest")
                .load();
        Observation observed = new Observation("extract");
        Dataset<Row> events = GameEventTransform.events(kafka, EventSchema.enrichedEvent(), source.eventTypes(), observed);
        events.printSchema();
        org.apache.hadoop.fs.Path tableDir = new org.apache.hadoop.fs.Path(source.tablePath);
        FileSystem fs = tableDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        TableVersions versions = new TableVersions(fs, tableDir);
        org.apache.hadoop.fs.Path version = versions.newVersion();
        EventTableLayout.partitioned(events.write().mode(SaveMode.ErrorIfExists)).parquet(version.toString());
        unpartitionable = observedCount(observed.getAsJava().get(GameEventTransform.UNPARTITIONABLE));
        if (versions.partitions(version, GameEventTransform.PARTITION_COLUMNS.size()).isEmpty()) {
            fs.delete(version, true);
            throw new NoEventsException("ExtractEventsJob found no events of types " + source.eventTypes() + " in "
                    + source.topic + " (earliest to latest): " + source.tablePath + " is left as it was");
        }
        // The version was just written: counting it reads Parquet metadata, not the events a second time.
        long rows = spark.read().parquet(version.toString()).count();
        String table = registeredTable(spark);
        if (table == null) {
            versions.placeAtTableRoot(version);
        }
        else {
            String[] name = table.split("\\.", 2);
            TableVersions.Switch done = versions.switchTo(spark, name[0], name[1], version);
            System.out.printf("ExtractEventsJob switched %s to %s: %d partitions added, %d moved (one metastore "
                    + "call), %d dropped (no longer in the topic); %d directories of older versions deleted%n", table,
                    version, done.added(), done.moved(), done.dropped(), done.deleted());
        }
        return rows;
    }

    /** The topic holds no event to extract: replacing the table with nothing is refused. */
    static final class NoEventsException extends Exception {

        NoEventsException(String message) {
            super(message);
        }
    }

    private long extractNew(SparkSession spark) throws Exception {
        Dataset<Row> events = GameEventTransform.events(source.stream(spark).load(), EventSchema.enrichedEvent(),
                source.eventTypes());
        events.printSchema();
        DataStreamWriter<Row> writer = events.writeStream();
        // Through the metastore when the table exists there: new partitions become visible as they commit, and a
        // partition a compaction moved gets its new files where readers look.
        ParquetSink sink = ParquetSink.attach(writer, source.tablePath, checkpoint, registeredTable(spark));
        StreamingQuery query = writer.trigger(Trigger.AvailableNow()).start();
        query.awaitTermination();
        for (StreamingQueryProgress progress : query.recentProgress()) {
            Row metrics = progress.observedMetrics().get(GameEventTransform.OBSERVED);
            if (metrics != null) {
                unpartitionable += observedCount(metrics.getAs(GameEventTransform.UNPARTITIONABLE));
            }
        }
        return sink.rowsWritten();
    }

    /** A sum over no rows is null. */
    private static long observedCount(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    /** --hive-table if it exists in the metastore (the DDL step creates it after a first extract). */
    private String registeredTable(SparkSession spark) {
        return hiveTable != null && spark.catalog().tableExists(hiveTable) ? hiveTable : null;
    }

    /**
     * The rows readers see after an incremental run: through the metastore's partitions when the table is there,
     * else the table directory's files (what the DDL step then registers). Validation compares with this, not
     * with the run's own rows.
     */
    private Long tableRows(SparkSession spark) {
        String table = registeredTable(spark);
        if (table != null) {
            spark.sql("REFRESH TABLE " + table);
            return spark.table(table).count();
        }
        return spark.read().parquet(source.tablePath).count();
    }
}
