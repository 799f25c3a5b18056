package io.steelthread.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;

/**
 * A Hive table's partitions as its metastore records them, through the session's Hive catalog. A partition's
 * registered location is where its rows live for every reader: the streaming sink writes there, the compaction reads
 * from there and moves it ({@code SET LOCATION}) in one metastore update.
 */
final class HivePartitions {

    private final SparkSession spark;
    private final String table;

    /** @param table {@code db.table}, in a session with {@code spark.sql.catalogImplementation=hive} */
    HivePartitions(SparkSession spark, String table) {
        this.spark = spark;
        this.table = table;
    }

    /**
     * Registers the partition at its default directory (created first, so readers never meet a partition without a
     * directory) unless it exists; idempotent.
     */
    void add(String dir, Path defaultLocation, FileSystem fs) throws IOException {
        fs.mkdirs(defaultLocation);
        spark.sql("ALTER TABLE " + table + " ADD IF NOT EXISTS PARTITION (" + spec(dir) + ")");
    }

    /** The partition's registered location, qualified by {@code fs} so it compares with other paths. */
    Path location(String dir, FileSystem fs) {
        for (Row row : spark.sql("DESCRIBE FORMATTED " + table + " PARTITION (" + spec(dir) + ")").collectAsList()) {
            if ("Location".equals(row.getString(0).trim())) {
                return fs.makeQualified(new Path(row.getString(1).trim()));
            }
        }
        throw new IllegalStateException("the metastore has no location for partition " + dir + " of " + table);
    }

    /** Points readers at {@code location}: one metastore update. */
    void setLocation(String dir, Path location) {
        if (location.toString().contains("'")) {
            throw new IllegalArgumentException("a location with a quote cannot be set: " + location);
        }
        spark.sql("ALTER TABLE " + table + " PARTITION (" + spec(dir) + ") SET LOCATION '" + location + "'");
    }

    /** {@code event_date=2026-11-25/event_hour=13} as {@code event_date='2026-11-25', event_hour='13'}. */
    static String spec(String dir) {
        StringBuilder spec = new StringBuilder();
        for (String part : dir.split("/")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a partition directory: " + dir);
            }
            spec.append(spec.length() == 0 ? "" : ", ").append(part, 0, eq).append("='")
                    .append(ExternalCatalogUtils.unescapePathName(part.substring(eq + 1)).replace("'", "\\'")).append('\'');
        }
        return spec.toString();
    }

    /** The data files directly in {@code dir} (not Spark's or Hadoop's hidden {@code _}/{@code .} files). */
    static List<Path> dataFiles(FileSystem fs, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!fs.exists(dir)) {
            return files;
        }
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (status.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                files.add(status.getPath());
            }
        }
        return files;
    }

    /**
     * Moves into {@code to} the data files of {@code from} whose names {@code which} accepts; a file gone meanwhile
     * (moved by the other side of a location switch: the compaction's sweep or the sink's follow-up) is skipped.
     * Returns how many were moved.
     */
    static int moveDataFiles(FileSystem fs, Path from, Path to, Predicate<String> which) throws IOException {
        int moved = 0;
        for (Path file : dataFiles(fs, from)) {
            if (!which.test(file.getName())) {
                continue;
            }
            try {
                if (FileMoves.move(fs, file, new Path(to, file.getName()))) {
                    moved++;
                }
            }
            catch (IOException e) {
                if (fs.exists(file)) {
                    throw e;
                }
                // Gone meanwhile: the other side of the switch moved it.
            }
        }
        return moved;
    }
}
