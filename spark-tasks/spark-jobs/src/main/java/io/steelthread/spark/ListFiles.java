package io.steelthread.spark;

import java.io.IOException;
import java.net.URI;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.metastore.HiveMetaStoreClient;
import org.apache.hadoop.hive.metastore.api.NoSuchObjectException;
import org.apache.hadoop.hive.metastore.api.Partition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A table's files as the seed's {@code hadoop fs -ls -R /tmp/purchases} shows them (permissions, owner, group, size,
 * time, path), through Hadoop's FileSystem API, so a table on {@code file://}, {@code hdfs://} or {@code s3a://} is
 * listed alike. The files are the ones readers see: those in the locations the metastore gives the table's
 * partitions (a full extract's version directory, a compaction's), or, for a table not registered yet, the table
 * directory's files outside {@code _}- and {@code .}-prefixed directories. {@code --all} lists everything under the
 * table directory. Run on the Spark home's jars: {@code ./steelthread ls <table>}.
 */
@Command(name = "ls", mixinStandardHelpOptions = true)
public final class ListFiles implements Callable<Integer> {

    @Parameters(index = "0", description = "The table's directory.")
    String location;

    @Option(names = "--all", description = "Every file under the directory, markers and old versions included.")
    boolean all;

    @Option(names = "--metastore-uri", description = "The Hive metastore (thrift://…) that registers --hive-table.")
    String metastoreUri;

    @Option(names = "--hive-table", description = "db.table: its partitions' locations are what is listed.")
    String hiveTable;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ListFiles()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path root = new Path(location);
        FileSystem fs = FileSystem.get(URI.create(location), new Configuration());
        if (!fs.exists(root)) {
            System.err.println("ls: " + root + ": no such file or directory");
            return 1;
        }
        List<FileStatus> files = new ArrayList<>();
        List<Path> partitions = all ? null : registeredLocations(fs);
        if (partitions == null) {
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
        }
        else {
            for (Path partition : partitions) {
                for (Path file : HivePartitions.dataFiles(fs, partition)) {
                    files.add(fs.getFileStatus(file));
                }
            }
        }
        files.sort(Comparator.comparing(f -> f.getPath().toString()));
        long total = files.stream().mapToLong(FileStatus::getLen).sum();
        System.out.println("Found " + files.size() + " files, " + total + " bytes");
        SimpleDateFormat time = new SimpleDateFormat("yyyy-MM-dd HH:mm");
        for (FileStatus f : files) {
            System.out.printf("%s%s %3s %s %s %10d %s %s%n", f.isDirectory() ? "d" : "-", f.getPermission(),
                    f.getReplication() == 0 ? "-" : String.valueOf(f.getReplication()), f.getOwner(), f.getGroup(),
                    f.getLen(), time.format(new Date(f.getModificationTime())), f.getPath());
        }
        return 0;
    }

    /** The partitions' locations, or null when no metastore is given or it does not know the table. */
    private List<Path> registeredLocations(FileSystem fs) throws Exception {
        if (metastoreUri == null || hiveTable == null) {
            return null;
        }
        String[] name = hiveTable.split("\\.", 2);
        HiveConf conf = new HiveConf();
        conf.setVar(HiveConf.ConfVars.METASTOREURIS, metastoreUri);
        HiveMetaStoreClient client = new HiveMetaStoreClient(conf);
        try {
            List<Path> locations = new ArrayList<>();
            for (Partition partition : client.listPartitions(name[0], name[1], (short) -1)) {
                locations.add(fs.makeQualified(new Path(partition.getSd().getLocation())));
            }
            return locations;
        }
        catch (NoSuchObjectException notRegistered) {
            return null;
        }
        finally {
            client.close();
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
