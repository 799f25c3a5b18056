package io.steelthread.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a job hands back to the task that launched it: SparkLauncher reports only states, so the job writes its
 * row count to a file the task names.
 */
final class JobResult {

    private JobResult() {
    }

    static void write(String resultFile, long rows) {
        write(resultFile, rows, null);
    }

    /** {@code {"rows":n}}, with {@code "location"} when the job produced a new directory. */
    static void write(String resultFile, long rows, String location) {
        if (resultFile == null || resultFile.isBlank()) {
            return;
        }
        try {
            Path file = Path.of(resultFile);
            Files.createDirectories(file.toAbsolutePath().getParent());
            String json = "{\"rows\":" + rows + (location == null ? "" : ",\"location\":\"" + location.replace("\"", "") + "\"")
                    + "}\n";
            Files.writeString(file, json, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the result file " + resultFile, e);
        }
    }
}
