package io.steelthread.spark;

import java.io.IOException;
import java.net.URI;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * A table's files as the seed's {@code hadoop fs -ls -R /tmp/purchases} shows them (permissions, owner, group, size,
 * time, path), through Hadoop's FileSystem API, so a table on {@code file://}, {@code hdfs://} or {@code s3a://} is
 * listed alike. Files under {@code _}- and {@code .}-prefixed directories (markers, staging, checksums: what readers
 * skip) are left out unless {@code --all}. Run on the Spark home's jars: {@code ./steelthread ls <table>}.
 */
public final class ListFiles {

    private ListFiles() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ListFiles <table location> [--all]");
            System.exit(2);
        }
        Path root = new Path(args[0]);
        boolean all = args.length > 1 && args[1].equals("--all");
        FileSystem fs = FileSystem.get(URI.create(args[0]), new Configuration());
        if (!fs.exists(root)) {
            System.err.println("ls: " + root + ": no such file or directory");
            System.exit(1);
        }
        List<LocatedFileStatus> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        String prefix = fs.makeQualified(root).toString();
        while (it.hasNext()) {
            LocatedFileStatus file = it.next();
            String relative = file.getPath().toString().substring(Math.min(prefix.length(),
                    file.getPath().toString().length()));
            if (all || !hidden(relative)) {
                files.add(file);
            }
        }
        long total = files.stream().mapToLong(LocatedFileStatus::getLen).sum();
        System.out.println("Found " + files.size() + " files, " + total + " bytes");
        SimpleDateFormat time = new SimpleDateFormat("yyyy-MM-dd HH:mm");
        for (LocatedFileStatus f : files) {
            System.out.printf("%s%s %3s %s %s %10d %s %s%n", f.isDirectory() ? "d" : "-", f.getPermission(),
                    f.getReplication() == 0 ? "-" : String.valueOf(f.getReplication()), f.getOwner(), f.getGroup(),
                    f.getLen(), time.format(new Date(f.getModificationTime())), f.getPath());
        }
    }

    static boolean hidden(String relative) {
        for (String part : relative.split("/")) {
            if (part.startsWith("_") || part.startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
