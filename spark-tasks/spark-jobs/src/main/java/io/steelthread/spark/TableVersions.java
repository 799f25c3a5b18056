package io.steelthread.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.CatalogStorageFormat;
import org.apache.spark.sql.catalyst.catalog.CatalogTablePartition;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalog;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * How a full extract replaces a table without readers noticing. The new rows are written to a version directory
 * of their own ({@code _v<millis>}, hidden from directory listings and from {@code MSCK REPAIR}); then the
 * metastore is switched to it: partitions that are new are added (one {@code add_partitions} call), every existing
 * partition the new version holds is pointed at its new directory (one {@code alter_partitions} call, so all of them
 * switch together), and partitions the new version lacks (their events left Kafka's retention) are dropped. At no
 * moment does a registered partition lack its directory or show part of a write: a query sees each hour's old or
 * new rows, whole. The previous version stays on disk until the next run, for queries planned before the switch;
 * what is older is deleted then.
 *
 * <p>A table not in the metastore yet has no readers: its version is moved to the table's own directory, where the
 * DDL step's {@code MSCK REPAIR} finds it.
 */
final class TableVersions {

    static final String VERSION_PREFIX = "_v";
    static final String COMPACTED = "_compacted";

    private final FileSystem fs;
    private final Path tableDir;

    TableVersions(FileSystem fs, Path tableDir) {
        this.fs = fs;
        this.tableDir = fs.makeQualified(tableDir);
    }

    Path newVersion() {
        return new Path(tableDir, VERSION_PREFIX + System.currentTimeMillis());
    }

    /** The partition directories of a version ({@code event_date=…/event_hour=…}, relative), in listing order. */
    List<String> partitions(Path version, int depth) throws IOException {
        List<String> dirs = new ArrayList<>();
        collect(version, "", depth, dirs);
        return dirs;
    }

    private void collect(Path dir, String relative, int depth, List<String> into) throws IOException {
        if (depth == 0) {
            into.add(relative);
            return;
        }
        if (!fs.exists(dir)) {
            return;
        }
        for (FileStatus child : fs.listStatus(dir)) {
            String name = child.getPath().getName();
            if (child.isDirectory() && name.contains("=") && !name.startsWith("_") && !name.startsWith(".")) {
                collect(child.getPath(), relative.isEmpty() ? name : relative + "/" + name, depth - 1, into);
            }
        }
    }

    /** What a switch did, for the job's log. */
    record Switch(int added, int moved, int dropped, int deleted) {
    }

    /**
     * Points the registered table {@code db.table} at {@code version}, then deletes what neither this version nor
     * the one readers had before holds.
     */
    Switch switchTo(SparkSession spark, String db, String table, Path version) throws IOException {
        ExternalCatalog catalog = spark.sharedState().externalCatalog();
        List<String> columns = JavaConverters.seqAsJavaList(catalog.getTable(db, table).partitionColumnNames());
        Map<String, Path> wanted = new LinkedHashMap<>();
        for (String dir : partitions(version, columns.size())) {
            wanted.put(dir, new Path(version, dir));
        }
        List<CatalogTablePartition> current = JavaConverters.seqAsJavaList(
                catalog.listPartitions(db, table, Option.empty()));
        Set<Path> previous = new HashSet<>();
        List<CatalogTablePartition> moved = new ArrayList<>();
        List<scala.collection.immutable.Map<String, String>> stale = new ArrayList<>();
        Set<String> existing = new HashSet<>();
        for (CatalogTablePartition partition : current) {
            String dir = dir(partition, columns);
            existing.add(dir);
            if (partition.storage().locationUri().isDefined()) {
                previous.add(fs.makeQualified(new Path(partition.storage().locationUri().get())));
            }
            Path target = wanted.get(dir);
            if (target == null) {
                stale.add(partition.spec());
                continue;
            }
            CatalogStorageFormat storage = partition.storage();
            moved.add(partition.copy(partition.spec(), storage.copy(Option.apply(target.toUri()), storage.inputFormat(),
                    storage.outputFormat(), storage.serde(), storage.compressed(), storage.properties()),
                    partition.parameters(), partition.createTime(), partition.lastAccessTime(), partition.stats()));
        }
        List<String> added = wanted.keySet().stream().filter(dir -> !existing.contains(dir)).toList();
        if (!added.isEmpty()) {
            // One statement, one add_partitions call; each with its directory already filled.
            StringBuilder add = new StringBuilder("ALTER TABLE `" + db + "`.`" + table + "` ADD IF NOT EXISTS");
            for (String dir : added) {
                add.append(" PARTITION (").append(HivePartitions.spec(dir)).append(") LOCATION '")
                        .append(quoted(wanted.get(dir))).append('\'');
            }
            spark.sql(add.toString());
        }
        if (!moved.isEmpty()) {
            catalog.alterPartitions(db, table, JavaConverters.asScalaBuffer(moved).toSeq());
        }
        if (!stale.isEmpty()) {
            // The data stays (retainData): queries planned before the drop may still read it; it goes next run.
            catalog.dropPartitions(db, table, JavaConverters.asScalaBuffer(stale).toSeq(), true, false, true);
        }
        // Except at the table's own directory, where the DDL step's MSCK REPAIR would register a dropped partition
        // again: those directories go now.
        for (scala.collection.immutable.Map<String, String> spec : stale) {
            Path defaultDir = fs.makeQualified(new Path(tableDir, dir(spec, columns)));
            if (previous.remove(defaultDir)) {
                fs.delete(defaultDir, true);
            }
        }
        Set<Path> keep = new HashSet<>(previous);
        keep.add(fs.makeQualified(version));
        int deleted = 0;
        for (FileStatus child : fs.listStatus(tableDir)) {
            if (child.isDirectory() && versioned(child.getPath().getName())) {
                deleted += prune(child.getPath(), keep);
            }
        }
        return new Switch(added.size(), moved.size(), stale.size(), deleted);
    }

    /** No reader yet: the version's partitions become the table directory's own, replacing what was there. */
    void placeAtTableRoot(Path version) throws IOException {
        Path qualified = fs.makeQualified(version);
        for (FileStatus child : fs.listStatus(tableDir)) {
            if (child.isDirectory() && versioned(child.getPath().getName()) && !child.getPath().equals(qualified)) {
                fs.delete(child.getPath(), true);
            }
        }
        for (FileStatus child : fs.listStatus(qualified)) {
            if (child.isDirectory() && child.getPath().getName().contains("=")) {
                Path target = new Path(tableDir, child.getPath().getName());
                if (!fs.rename(child.getPath(), target)) {
                    throw new IOException("cannot move " + child.getPath() + " to " + target);
                }
            }
        }
        fs.delete(qualified, true);
    }

    /** Directories a version of the table's rows may live in: not the stream's markers, staging or checkpoints. */
    private static boolean versioned(String name) {
        return name.startsWith(VERSION_PREFIX) || name.equals(COMPACTED) || (name.contains("=") && !name.startsWith("_")
                && !name.startsWith("."));
    }

    /** Deletes what under {@code dir} holds no kept location and lies in none; returns the directories deleted. */
    private int prune(Path dir, Set<Path> keep) throws IOException {
        String path = dir.toString();
        boolean inKept = keep.stream().anyMatch(k -> path.equals(k.toString()) || path.startsWith(k + "/"));
        if (inKept) {
            return 0;
        }
        boolean holdsKept = keep.stream().anyMatch(k -> k.toString().startsWith(path + "/"));
        if (!holdsKept) {
            return fs.delete(dir, true) ? 1 : 0;
        }
        int deleted = 0;
        for (FileStatus child : fs.listStatus(dir)) {
            if (child.isDirectory()) {
                deleted += prune(child.getPath(), keep);
            }
        }
        return deleted;
    }

    private static String dir(CatalogTablePartition partition, List<String> columns) {
        return dir(partition.spec(), columns);
    }

    private static String dir(scala.collection.immutable.Map<String, String> spec, List<String> columns) {
        StringBuilder dir = new StringBuilder();
        for (String column : columns) {
            dir.append(dir.length() == 0 ? "" : "/").append(column).append('=')
                    .append(ExternalCatalogUtils.escapePathName(spec.apply(column)));
        }
        return dir.toString();
    }

    private static String quoted(Path location) {
        if (location.toString().contains("'")) {
            throw new IllegalArgumentException("a location with a quote cannot be registered: " + location);
        }
        return location.toString();
    }
}
