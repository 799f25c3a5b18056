package io.steelthread.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compaction's sweep and the partition spec, on the local file system. */
class HivePartitionsTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void theSweepMovesWhatArrivedAfterTheSnapshotAndSkipsHiddenFiles() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        java.nio.file.Path old = Files.createDirectories(dir.resolve("old"));
        java.nio.file.Path current = Files.createDirectories(dir.resolve("new"));
        Files.writeString(old.resolve("part-1.parquet"), "compacted");
        Files.writeString(old.resolve("part-2.parquet"), "late");
        Files.writeString(old.resolve("_SUCCESS"), "");
        Files.writeString(old.resolve(".part-2.parquet.crc"), "");

        int moved = HivePartitions.moveDataFiles(fs, new Path(old.toUri()), new Path(current.toUri()),
                name -> !Set.of("part-1.parquet").contains(name));

        assertThat(moved).isEqualTo(1);
        assertThat(current.resolve("part-2.parquet")).hasContent("late");
        assertThat(old.resolve("part-1.parquet")).as("kept for readers still on the old location").exists();
        assertThat(old.resolve("part-2.parquet")).doesNotExist();
        assertThat(HivePartitions.dataFiles(fs, new Path(old.toUri()))).extracting(Path::getName)
                .containsExactly("part-1.parquet");
        assertThat(HivePartitions.dataFiles(fs, new Path(dir.resolve("missing").toUri()))).isEmpty();
    }

    @Test
    void aPartitionDirectoryBecomesASpecWithItsValuesUnescaped() {
        assertThat(HivePartitions.spec("event_date=2026-11-25/event_hour=13"))
                .isEqualTo("event_date='2026-11-25', event_hour='13'");
        assertThat(HivePartitions.spec("event_type=it%27s")).isEqualTo("event_type='it\\'s'");
    }
}
