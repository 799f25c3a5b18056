package io.steelthread.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * The streaming Parquet sink of the extract and stream jobs, safe for Hive and Presto readers and exactly once.
 * <p>
 * Spark's own file sink writes straight into the table's directories and keeps the truth in
 * {@code _spark_metadata}, which Presto does not read: Presto fails on files still being written and counts the
 * files of a batch that a crash interrupted twice. Here each micro-batch is written under the hidden
 * {@code _staging/<query id>/batch=<id>} (complete once its row count file is there), its files
 * are then renamed into the partitions one by one (each appears whole; with a Hive table, into each partition's
 * registered location), and {@code _committed/<query id>/<id>} records the batch. A batch replayed after a crash
 * (same id, same offsets) is skipped if committed, its move finished if it was written, and rewritten otherwise.
 */
final class ParquetSink implements VoidFunction2<Dataset<Row>, Long> {

    private static final String ROWS_FILE = "_ROWS";
    private static final int KEEP_MARKERS = 100;

    private final String tablePath;
    private final AtomicLong rows = new AtomicLong();
    /** Held while a batch is written and committed, so that a stop request waits for the commit to finish. */
    private final ReentrantLock batch = new ReentrantLock();
    /** The query being stopped, once a stop was asked for. */
    private volatile StreamingQuery stopping;

    private final String hiveTable;
    private final Set<String> registered = new HashSet<>();

    private ParquetSink(String tablePath, String hiveTable) {
        this.tablePath = tablePath;
        this.hiveTable = hiveTable;
    }

    /**
     * The sink for {@code events}, with the query's checkpoint (its offsets and batch ids).
     *
     * @param hiveTable {@code db.table} whose partitions are registered as batches commit them; null for none
     */
    static ParquetSink attach(DataStreamWriter<Row> writer, String tablePath, String checkpoint, String hiveTable) {
        ParquetSink sink = new ParquetSink(tablePath, hiveTable);
        writer.foreachBatch(sink).option("checkpointLocation", checkpoint).outputMode("append");
        return sink;
    }

    long rowsWritten() {
        return rows.get();
    }

    /**
     * Stops the query between batches: a batch being written finishes its commit first; a batch that starts
     * afterwards writes nothing and ends with an interruption once the query is marked stopped, and is replayed from
     * the checkpoint on the next start. The lock is not held across {@code query.stop()}, which waits for the query's
     * thread. If that wait lasts, the query thread's stack is printed (a stop that does not end is then diagnosable
     * from the log).
     */
    void stopBetweenBatches(StreamingQuery query) throws TimeoutException {
        this.batch.lock();
        try {
            stopping = query;
        }
        finally {
            this.batch.unlock();
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(15_000);
            }
            catch (InterruptedException e) {
                return;
            }
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                if (thread.getName().startsWith("stream execution thread")) {
                    StringBuilder dump = new StringBuilder("ParquetSink: the stop has waited 15 s for " + thread.getName());
                    for (StackTraceElement frame : stack) {
                        dump.append("\n\tat ").append(frame);
                    }
                    System.out.println(dump);
                }
            });
        }, "parquet-sink-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            query.stop();
        }
        finally {
            watchdog.interrupt();
        }
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) throws Exception {
        this.batch.lockInterruptibly();
        try {
            StreamingQuery stopped = stopping;
            if (stopped != null) {
                // query.stop() marks the query terminated, then interrupts this thread. The interrupt may have landed
                // (and been swallowed) before this batch began: a terminated query is reason enough. Either way Spark
                // sees an interruption of a stopped query, i.e. a clean stop.
                while (stopped.isActive()) {
                    Thread.sleep(100);
                }
                throw new InterruptedException("batch " + batchId + " not written: the query is stopping");
            }
            write(batch, batchId);
        }
        finally {
            this.batch.unlock();
        }
    }

    private void write(Dataset<Row> batch, Long batchId) throws IOException {
        Path table = new Path(tablePath);
        FileSystem fs = table.getFileSystem(batch.sparkSession().sparkContext().hadoopConfiguration());
        String query = queryId(batch.sparkSession());
        Path markers = new Path(table, "_committed/" + query);
        Path committed = new Path(markers, String.valueOf(batchId));
        Path staging = new Path(table, "_staging/" + query + "/batch=" + batchId);
        if (fs.exists(committed)) {
            // A crash after the marker, before the cleanup: the staging directory (its count, no data) goes now.
            fs.delete(staging, true);
            return;
        }
        // The staged batch is complete once its row count is there: written after the data, under a temporary
        // name and renamed, so a crash at any point leaves either no count (the batch is written again) or a whole
        // one (an empty count file once sent every replay into a crash loop).
        if (!fs.exists(new Path(staging, ROWS_FILE))) {
            fs.delete(staging, true);
            EventTableLayout.partitioned(batch.write().mode(SaveMode.ErrorIfExists)).parquet(staging.toString());
            long count = stagedRows(fs, staging);
            Path written = new Path(staging, "_" + ROWS_FILE + ".tmp");
            try (FSDataOutputStream out = fs.create(written, true)) {
                out.write(String.valueOf(count).getBytes(StandardCharsets.UTF_8));
            }
            if (!fs.rename(written, new Path(staging, ROWS_FILE))) {
                throw new IOException("cannot rename " + written + " to " + ROWS_FILE);
            }
        }
        long count = readCount(fs, new Path(staging, ROWS_FILE));
        moveIntoPartitions(batch.sparkSession(), fs, staging, table);
        fs.create(committed, true).close();
        fs.delete(staging, true);
        fs.delete(new Path(markers, String.valueOf(batchId - KEEP_MARKERS)), false);
        rows.addAndGet(count);
        System.out.println("ParquetSink committed batch " + batchId + ": " + count + " rows");
    }

    /**
     * Moves the batch's data files into their partitions, each file appearing whole. With a Hive table, a new
     * partition is registered (before the batch counts as committed, so a new hour is visible with the batch's rows;
     * idempotent on replay) and files go to the partition's registered location, where readers look: after a
     * compaction that is the compacted directory, not the default one. A compaction that moves the partition while
     * files are being moved sweeps what it finds in the old location; what this batch puts there after the sweep it
     * moves itself, once it sees the location changed.
     */
    private void moveIntoPartitions(SparkSession spark, FileSystem fs, Path staging, Path table) throws IOException {
        Map<String, List<Path>> byPartition = new TreeMap<>();
        String root = staging.toUri().getPath();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(staging, true);
        while (files.hasNext()) {
            Path file = files.next().getPath();
            String relative = file.toUri().getPath().substring(root.length() + 1);
            int slash = relative.lastIndexOf('/');
            if (file.getName().startsWith("_") || file.getName().startsWith(".") || slash <= 0) {
                continue;
            }
            byPartition.computeIfAbsent(relative.substring(0, slash), k -> new ArrayList<>()).add(file);
        }
        HivePartitions partitions = hiveTable == null ? null : new HivePartitions(spark, hiveTable);
        for (Map.Entry<String, List<Path>> partition : byPartition.entrySet()) {
            String dir = partition.getKey();
            Path defaultLocation = fs.makeQualified(new Path(table, dir));
            Path target = defaultLocation;
            if (partitions != null) {
                if (!registered.contains(dir)) {
                    partitions.add(dir, defaultLocation, fs);
                    registered.add(dir);
                    System.out.println("ParquetSink registered partition " + dir + " of " + hiveTable);
                }
                target = partitions.location(dir, fs);
            }
            fs.mkdirs(target);
            Set<String> names = new HashSet<>();
            for (Path file : partition.getValue()) {
                names.add(file.getName());
                FileMoves.move(fs, file, new Path(target, file.getName()));
            }
            if (partitions != null) {
                Path now = partitions.location(dir, fs);
                if (!now.equals(target)) {
                    int moved = HivePartitions.moveDataFiles(fs, target, now, names::contains);
                    System.out.println("ParquetSink: partition " + dir + " moved to " + now + " during the commit; "
                            + moved + " file(s) of this batch followed it");
                }
            }
        }
    }

    /**
     * Batch ids count from 0 for each query (a new or reset checkpoint is a new query): markers and staging are kept
     * per query id, so one query never skips a batch because another wrote one with the same id, and two queries
     * writing one table never delete each other's staging. The id is the query's, stable across restarts from the
     * same checkpoint; Spark sets it on the query thread, where this sink runs.
     */
    private static String queryId(SparkSession spark) {
        String id = spark.sparkContext().getLocalProperty("sql.streaming.queryId");
        if (id == null || id.isBlank()) {
            throw new IllegalStateException("ParquetSink runs only inside a streaming query (no sql.streaming.queryId)");
        }
        return id;
    }

    /**
     * The staged batch's rows, from its files' footers. One Spark job per batch (the write) instead of two (a count
     * over a cached copy, then the write): bench/pipeline.sh measured the difference in freshness under load.
     */
    private static long stagedRows(FileSystem fs, Path staging) throws IOException {
        long rows = 0;
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(staging, true);
        while (files.hasNext()) {
            LocatedFileStatus file = files.next();
            String name = file.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;
            }
            try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, fs.getConf()))) {
                rows += reader.getRecordCount();
            }
        }
        return rows;
    }

    private static long readCount(FileSystem fs, Path file) throws IOException {
        if (!fs.exists(file)) {
            return 0;
        }
        try (FSDataInputStream in = fs.open(file)) {
            return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
        }
    }
}
