package io.steelthread.spark;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The seed's closing concern ("Hadoop is unhappy with lots of small files"): rewrites one partition's files into
 * {@code --files} files and points the partition at them, for readers one metastore update.
 * <p>
 * The partition may still be written (the stream's late rows): the job compacts the files it lists in the
 * partition's current location, writes the copy under the table's hidden {@code _compacted/}, checks its row count,
 * switches the location, then moves into the new location every file that arrived in the old one after the listing
 * (the stream's sink moves what it writes there later itself, see ParquetSink). The previous location is kept for
 * readers still on it and deleted by the next compaction of the partition. Columns of every file are kept
 * (mergeSchema).
 */
@Command(name = "compact", mixinStandardHelpOptions = true)
public final class CompactPartitionJob implements Callable<Integer> {

    private static final Pattern PARTITION = Pattern.compile("event_date=[0-9-]+/event_hour=[0-9]{1,2}");

    @Option(names = "--table-path", required = true, description = "Table directory.")
    String tablePath;

    @Option(names = "--hive-table", required = true, description = "The table (db.table) in the metastore.")
    String hiveTable;

    @Option(names = "--metastore-uri", required = true, description = "Hive metastore (thrift://…) holding the table.")
    String metastoreUri;

    @Option(names = "--partition", required = true, description = "e.g. event_date=2026-11-25/event_hour=13")
    String partition;

    @Option(names = "--files", defaultValue = "1", description = "Files to write (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--result-file", description = "Where to write {\"rows\":n,\"location\":\"…\"} for the task.")
    String resultFile;

    public static void main(String[] args) {
        int exit = new CommandLine(new CompactPartitionJob()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws IOException {
        if (!PARTITION.matcher(partition).matches()) {
            throw new IllegalArgumentException("--partition must look like event_date=2026-11-25/event_hour=13: " + partition);
        }
        SparkSession spark = JobSessions.builder("CompactPartitionJob", metastoreUri).getOrCreate();
        try {
            Path table = new Path(tablePath.replaceAll("/+$", ""));
            FileSystem fs = table.getFileSystem(spark.sparkContext().hadoopConfiguration());
            HivePartitions partitions = new HivePartitions(spark, hiveTable);
            Path current = partitions.location(partition, fs);
            Path versions = fs.makeQualified(new Path(table, "_compacted/" + partition.replace('/', '_')));
            deleteUnreachable(fs, fs.makeQualified(new Path(table, partition)), versions, current);

            List<Path> snapshot = HivePartitions.dataFiles(fs, current);
            if (snapshot.isEmpty()) {
                System.out.println("CompactPartitionJob: " + current + " holds no data files; nothing to compact");
                new JobResult(0, null, current.toString(), null).write(resultFile);
                return 0;
            }
            Set<String> compacted = new HashSet<>();
            snapshot.forEach(p -> compacted.add(p.getName()));
            Path target = new Path(versions, "v" + System.currentTimeMillis());
            Dataset<Row> rows = spark.read().option("mergeSchema", "true")
                    .parquet(snapshot.stream().map(Path::toString).toArray(String[]::new));
            long before = rows.count();
            EventTableLayout.files(rows.coalesce(Math.max(1, files)).write().mode(SaveMode.ErrorIfExists))
                    .parquet(target.toString());
            long after = spark.read().parquet(target.toString()).count();
            if (after != before) {
                throw new IllegalStateException("compacted copy of " + current + " holds " + after + " rows, the "
                        + snapshot.size() + " files it was made from " + before + "; the partition is left as it was");
            }
            partitions.setLocation(partition, target);
            int late = HivePartitions.moveDataFiles(fs, current, target, name -> !compacted.contains(name));
            System.out.println("CompactPartitionJob: " + before + " rows in " + snapshot.size() + " files of " + current
                    + " rewritten into " + files + " file(s) at " + target + "; partition " + partition + " of "
                    + hiveTable + " now reads it; " + late + " file(s) written meanwhile moved along");
            new JobResult(before, null, target.toString(), null).write(resultFile);
            return 0;
        }
        finally {
            spark.stop();
        }
    }

    /**
     * Deletes the partition's directories no reader can reach any more: the default one and older compacted
     * versions, once the partition reads another location (kept until now for queries planned before that switch).
     */
    private static void deleteUnreachable(FileSystem fs, Path defaultLocation, Path versions, Path current)
            throws IOException {
        if (!current.equals(defaultLocation) && fs.exists(defaultLocation)) {
            fs.delete(defaultLocation, true);
            System.out.println("CompactPartitionJob: deleted " + defaultLocation + " (the partition reads " + current + ")");
        }
        if (fs.exists(versions)) {
            for (FileStatus version : fs.listStatus(versions)) {
                if (!fs.makeQualified(version.getPath()).equals(current)) {
                    fs.delete(version.getPath(), true);
                    System.out.println("CompactPartitionJob: deleted the earlier version " + version.getPath());
                }
            }
        }
    }
}
