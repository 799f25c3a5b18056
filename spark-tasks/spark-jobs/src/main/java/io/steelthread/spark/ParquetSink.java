package io.steelthread.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

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
import org.apache.spark.sql.streaming.DataStreamWriter;
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

    private ParquetSink(String tablePath) {
        this.tablePath = tablePath;
    }

    /** The sink for {@code events}, with the query's checkpoint (its offsets and batch ids). */
    static ParquetSink attach(DataStreamWriter<Row> writer, String tablePath, String checkpoint) {
        ParquetSink sink = new ParquetSink(tablePath);
        writer.foreachBatch(sink).option("checkpointLocation", checkpoint).outputMode("append");
        return sink;
    }

    long rowsWritten() {
        return rows.get();
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) throws Exception {
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
        moveDataFiles(fs, staging, table);
        fs.create(committed, true).close();
        fs.delete(staging, true);
        fs.delete(new Path(table, "_committed/" + (batchId - KEEP_MARKERS)), false);
        rows.addAndGet(count);
        System.out.println("ParquetSink committed batch " + batchId + ": " + count + " rows");
    }

    private static void moveDataFiles(FileSystem fs, Path staging, Path table) throws IOException {
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
        }
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
