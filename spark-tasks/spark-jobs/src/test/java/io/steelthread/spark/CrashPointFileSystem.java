package io.steelthread.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system, holding a Spark driver at one commit point of {@link ParquetSink} so that a test can
 * SIGKILL it exactly there. Installed through the driver's Hadoop configuration: {@code spark.hadoop.fs.file.impl}
 * with {@code spark.hadoop.fs.file.impl.disable.cache=true}, the point in {@code steelthread.test.crash.point}. The
 * first time the driver reaches the point, the file {@code steelthread.test.crash.signal} is written (the point, then
 * the path the sink was working on) and the sink's thread is held there until the process is killed (after 10
 * min it halts itself, so a failed test leaves no driver behind). The points:
 * <ul>
 * <li>{@code AFTER_STAGING}: a batch's files and its row count are staged, nothing of it moved;
 * <li>{@code MID_RENAME}: one of its data files was moved into the table, at least one is still staged;
 * <li>{@code BEFORE_COMMITTED}: all moved, the batch's {@code _committed} marker about to be created;
 * <li>{@code AFTER_COMMITTED}: the marker created, the staging directory about to be deleted (and Spark's own commit
 * of the batch, after the sink returns, not done).
 * </ul>
 */
public class CrashPointFileSystem extends LocalFileSystem {

    public enum Point { AFTER_STAGING, MID_RENAME, BEFORE_COMMITTED, AFTER_COMMITTED }

    /** One crash per driver; the file system is instantiated anew for every lookup (the cache is off). */
    private static final AtomicBoolean REACHED = new AtomicBoolean();
    private static volatile boolean markerCreated;

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        boolean renamed = super.rename(src, dst);
        if (renamed && point() == Point.AFTER_STAGING && dst.getName().equals("_ROWS")) {
            reach(dst.getParent());
        }
        if (renamed && point() == Point.MID_RENAME && staged(src) && !staged(dst) && dataFilesLeft(src) > 0) {
            reach(dst);
        }
        return renamed;
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
            short replication, long blockSize, Progressable progress) throws IOException {
        boolean marker = f.getParent() != null && f.getParent().getParent() != null
                && f.getParent().getParent().getName().equals("_committed");
        if (marker && point() == Point.BEFORE_COMMITTED) {
            reach(f);
        }
        FSDataOutputStream out = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
        markerCreated |= marker;
        return out;
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
        if (markerCreated && point() == Point.AFTER_COMMITTED && staged(f) && f.getName().startsWith("batch=")) {
            reach(f);
        }
        return super.delete(f, recursive);
    }

    private Point point() {
        String point = getConf() == null ? null : getConf().get("steelthread.test.crash.point");
        return point == null || point.isBlank() ? null : Point.valueOf(point);
    }

    private static boolean staged(Path path) {
        return path.toUri().getPath().contains("/_staging/");
    }

    /** Data files still in the staged batch of {@code moved}. */
    private int dataFilesLeft(Path moved) throws IOException {
        Path batch = moved;
        while (batch != null && !batch.getName().startsWith("batch=")) {
            batch = batch.getParent();
        }
        if (batch == null) {
            return 0;
        }
        int left = 0;
        RemoteIterator<LocatedFileStatus> files = listFiles(batch, true);
        while (files.hasNext()) {
            String name = files.next().getPath().getName();
            if (!name.startsWith("_") && !name.startsWith(".")) {
                left++;
            }
        }
        return left;
    }

    private void reach(Path about) throws IOException {
        if (!REACHED.compareAndSet(false, true)) {
            return;
        }
        java.nio.file.Path signal = java.nio.file.Path.of(getConf().get("steelthread.test.crash.signal"));
        java.nio.file.Path written = signal.resolveSibling(signal.getFileName() + ".tmp");
        Files.writeString(written, point() + "\n" + about.toUri().getPath() + "\n", StandardCharsets.UTF_8);
        Files.move(written, signal, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("CrashPointFileSystem: holding the driver at " + point() + " (" + about + ")");
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < until) {
            try {
                Thread.sleep(1_000);
            }
            catch (InterruptedException e) {
                // Held until killed: a stop request must not let the batch go on.
            }
        }
        // Nobody killed it (the test failed before): it dies as if killed, never going on with the batch.
        Runtime.getRuntime().halt(137);
    }
}
