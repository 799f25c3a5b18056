package io.steelthread.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.storage.StorageLevel;

/**
 * The streaming Parquet sink of the extract and stream jobs, safe for Hive and Presto readers and exactly once.
 * <p>
 * Spark's own file sink writes straight into the table's directories and keeps the truth in
 * {@code _spark_metadata}, which Presto does not read: Presto fails on files still being written and counts the
 * files of a batch that a crash interrupted twice. Here each micro-batch is written under the hidden
 * {@code _staging/batch=<id>} (Hadoop's committer marks it complete with {@code _SUCCESS}), its files are then
 * renamed into the partitions one by one (each appears whole), and {@code _committed/<id>} records the batch. A
 * batch replayed after a crash (same id, same offsets) is skipped if committed, its move finished if it was
 * written, and rewritten otherwise.
 */
final class ParquetSink implements VoidFunction2<Dataset<Row>, Long> {

    private static final String ROWS_FILE = "_ROWS";
    private static final int KEEP_MARKERS = 100;

    private final String tablePath;
    private final AtomicLong rows = new AtomicLong();
    /** Held while a batch is written and committed, so that a stop request waits for the commit to finish. */
    private final ReentrantLock batch = new ReentrantLock();
    private volatile boolean stopping;

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
     * afterwards writes nothing and waits to be interrupted by the stop, and is replayed from the checkpoint on the
     * next start. The lock is not held across {@code query.stop()}, which waits for the query's thread.
     */
    void stopBetweenBatches(StreamingQuery query) throws TimeoutException {
        this.batch.lock();
        try {
            stopping = true;
        }
        finally {
            this.batch.unlock();
        }
        query.stop();
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) throws Exception {
        this.batch.lockInterruptibly();
        try {
            if (stopping) {
                // query.stop() marks the query terminated, then interrupts this thread: a clean stop for Spark.
                for (int i = 0; i < 600; i++) {
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
        Path committed = new Path(table, "_committed/" + batchId);
        if (fs.exists(committed)) {
            return;
        }
        Path staging = new Path(table, "_staging/batch=" + batchId);
        if (!fs.exists(new Path(staging, "_SUCCESS"))) {
            fs.delete(staging, true);
            Dataset<Row> data = batch.persist(StorageLevel.MEMORY_AND_DISK());
            long count = data.count();
            EventTableLayout.partitioned(data.write().mode(SaveMode.ErrorIfExists)).parquet(staging.toString());
            data.unpersist();
            try (FSDataOutputStream out = fs.create(new Path(staging, ROWS_FILE), true)) {
                out.write(String.valueOf(count).getBytes(StandardCharsets.UTF_8));
            }
        }
        long count = readCount(fs, new Path(staging, ROWS_FILE));
        Set<String> partitions = moveDataFiles(fs, staging, table);
        registerPartitions(batch.sparkSession(), partitions);
        fs.create(committed, true).close();
        fs.delete(staging, true);
        fs.delete(new Path(table, "_committed/" + (batchId - KEEP_MARKERS)), false);
        rows.addAndGet(count);
        System.out.println("ParquetSink committed batch " + batchId + ": " + count + " rows");
    }

    /**
     * Registers each partition directory of a batch in the metastore before the batch counts as committed, so a
     * new hour is visible to Presto with the batch's rows. Idempotent (IF NOT EXISTS), so a replayed batch is fine.
     */
    private void registerPartitions(SparkSession spark, Set<String> partitions) {
        if (hiveTable == null) {
            return;
        }
        for (String dir : partitions) {
            if (registered.contains(dir)) {
                continue;
            }
            StringBuilder spec = new StringBuilder();
            for (String part : dir.split("/")) {
                int eq = part.indexOf('=');
                spec.append(spec.length() == 0 ? "" : ", ").append(part, 0, eq).append("='")
                        .append(ExternalCatalogUtils.unescapePathName(part.substring(eq + 1)).replace("'", "\\'")).append('\'');
            }
            spark.sql("ALTER TABLE " + hiveTable + " ADD IF NOT EXISTS PARTITION (" + spec + ")");
            registered.add(dir);
            System.out.println("ParquetSink registered partition " + dir + " of " + hiveTable);
        }
    }

    /** Moves the batch's data files into the table; returns the partition directories they went to. */
    private static Set<String> moveDataFiles(FileSystem fs, Path staging, Path table) throws IOException {
        Set<String> partitions = new TreeSet<>();
        String root = staging.toUri().getPath();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(staging, true);
        while (files.hasNext()) {
            Path file = files.next().getPath();
            String relative = file.toUri().getPath().substring(root.length() + 1);
            if (file.getName().startsWith("_") || file.getName().startsWith(".")) {
                continue;
            }
            Path target = new Path(table, relative);
            fs.mkdirs(target.getParent());
            if (!fs.rename(file, target)) {
                throw new IOException("cannot move " + file + " to " + target);
            }
            int slash = relative.lastIndexOf('/');
            if (slash > 0) {
                partitions.add(relative.substring(0, slash));
            }
        }
        return partitions;
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
