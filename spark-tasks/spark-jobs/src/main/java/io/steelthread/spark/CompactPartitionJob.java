package io.steelthread.spark;

import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The seed's closing concern ("Hadoop is unhappy with lots of small files"): rewrites one partition's files into
 * {@code --files} files, in a new directory under the table's hidden {@code _compacted/}. Readers switch over when
 * the task points the partition at it in the metastore (one atomic metastore update), so no reader ever sees half
 * a partition. The row count of the copy is checked against the original before the location is handed back.
 * Compact partitions that are no longer written (a past hour).
 */
@Command(name = "compact", mixinStandardHelpOptions = true)
public final class CompactPartitionJob implements Callable<Integer> {

    private static final Pattern PARTITION = Pattern.compile("event_date=[0-9-]+/event_hour=[0-9]{1,2}");

    @Option(names = "--table-path", required = true, description = "Table directory.")
    String tablePath;

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
    public Integer call() {
        if (!PARTITION.matcher(partition).matches()) {
            throw new IllegalArgumentException("--partition must look like event_date=2026-11-25/event_hour=13: " + partition);
        }
        SparkSession spark = SparkSession.builder().appName("CompactPartitionJob").getOrCreate();
        try {
            String table = tablePath.replaceAll("/+$", "");
            String source = table + "/" + partition;
            String target = table + "/_compacted/" + partition.replace('/', '_') + "/v" + System.currentTimeMillis();
            Dataset<Row> rows = spark.read().parquet(source);
            long before = rows.count();
            EventTableLayout.files(rows.coalesce(Math.max(1, files)).write().mode(SaveMode.ErrorIfExists)).parquet(target);
            long after = spark.read().parquet(target).count();
            if (after != before) {
                throw new IllegalStateException("compacted copy of " + source + " holds " + after + " rows, the original "
                        + before + "; the partition is left as it was");
            }
            System.out.println("CompactPartitionJob: " + before + " rows of " + source + " rewritten into " + files
                    + " file(s) at " + target);
            JobResult.write(resultFile, before, target);
            return 0;
        }
        finally {
            spark.stop();
        }
    }
}
