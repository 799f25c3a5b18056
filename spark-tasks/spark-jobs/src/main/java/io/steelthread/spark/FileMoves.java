package io.steelthread.spark;

import java.io.IOException;

import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Moving a data file into a table, on any Hadoop file system. On HDFS and local disks a rename is one atomic step;
 * on object stores (s3a) it is a copy and a delete, and a crash between the two leaves the file in both places:
 * the replayed commit then finds its target taken, and a plain rename fails there on every replay (a crash loop).
 * A target that already holds the same file (same name — data file names are unique per write — and same length)
 * counts as moved, and the leftover source is deleted.
 */
final class FileMoves {

    private FileMoves() {
    }

    /** @return false if the source is gone and the target is there: moved by an earlier attempt */
    static boolean move(FileSystem fs, Path from, Path to) throws IOException {
        boolean renamed;
        try {
            renamed = fs.rename(from, to);
        }
        catch (FileAlreadyExistsException taken) {
            // S3A throws where HDFS returns false.
            renamed = false;
        }
        if (renamed) {
            return true;
        }
        FileStatus target = status(fs, to);
        FileStatus source = status(fs, from);
        if (source == null && target != null) {
            return false;
        }
        if (source != null && target != null && source.getLen() == target.getLen()) {
            fs.delete(from, false);
            return true;
        }
        throw new IOException("cannot move " + from + " to " + to
                + (target == null ? "" : ": the target exists with another length (" + target.getLen() + " bytes, the "
                + "source " + (source == null ? "is gone" : source.getLen() + " bytes") + ")"));
    }

    private static FileStatus status(FileSystem fs, Path path) throws IOException {
        try {
            return fs.getFileStatus(path);
        }
        catch (java.io.FileNotFoundException e) {
            return null;
        }
    }
}
