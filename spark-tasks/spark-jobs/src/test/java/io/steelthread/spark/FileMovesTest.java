package io.steelthread.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit's file move over a file system that renames as S3A does (copy, then delete the source; a taken
 * target is refused) and can crash between the copy and the delete (finding 5 of the table-operations issue).
 */
class FileMovesTest {

    /** S3A's rename, on the local disk. */
    static final class ObjectStoreLike extends RawLocalFileSystem {

        boolean crashAfterCopy;

        @Override
        public boolean rename(Path src, Path dst) throws IOException {
            if (exists(dst)) {
                throw new FileAlreadyExistsException(dst + " exists");
            }
            FileUtil.copy(this, src, this, dst, false, getConf());
            if (crashAfterCopy) {
                crashAfterCopy = false;
                throw new IOException("crash between the copy and the delete");
            }
            return delete(src, false);
        }
    }

    @TempDir
    java.nio.file.Path dir;

    final ObjectStoreLike fs = new ObjectStoreLike();
    Path staged;
    Path target;

    @BeforeEach
    void stage() throws IOException {
        fs.initialize(java.net.URI.create("file:///"), new Configuration());
        staged = new Path(dir.resolve("_staging/batch=0/part-0001.parquet").toUri());
        target = new Path(dir.resolve("event_date=2026-11-25/event_hour=10/part-0001.parquet").toUri());
        fs.mkdirs(staged.getParent());
        fs.mkdirs(target.getParent());
        try (FSDataOutputStream out = fs.create(staged)) {
            out.write("parquet bytes".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aReplayAfterACrashBetweenCopyAndDeleteFinishesTheMove() throws IOException {
        fs.crashAfterCopy = true;
        assertThatThrownBy(() -> FileMoves.move(fs, staged, target)).hasMessageContaining("crash");
        assertThat(fs.exists(staged) && fs.exists(target)).as("the file in both places").isTrue();

        assertThat(FileMoves.move(fs, staged, target)).isTrue();
        assertThat(fs.exists(staged)).isFalse();
        assertThat(Files.readString(java.nio.file.Path.of(target.toUri()))).isEqualTo("parquet bytes");
    }

    @Test
    void aMoveAnEarlierAttemptFinishedIsNotAnError() throws IOException {
        assertThat(FileMoves.move(fs, staged, target)).isTrue();
        assertThat(FileMoves.move(fs, staged, target)).isFalse();
    }

    @Test
    void aDifferentFileAtTheTargetIsNotOverwritten() throws IOException {
        try (FSDataOutputStream out = fs.create(target)) {
            out.write("another file".getBytes(StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> FileMoves.move(fs, staged, target)).hasMessageContaining("another length");
        assertThat(fs.exists(staged)).isTrue();
    }
}
