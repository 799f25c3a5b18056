package io.steelthread.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a job hands back to the task that launched it (SparkLauncher reports only states), as JSON in a file the
 * task names.
 *
 * @param rows            written by this run
 * @param tableRows       the table holds after it: what readers must see (differs from rows when a run appends)
 * @param location        a directory the job produced
 * @param unpartitionable events of the wanted types dropped because they had no event_date/event_hour
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record JobResult(long rows, Long tableRows, String location, Long unpartitionable) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JobResult rows(long rows) {
        return new JobResult(rows, null, null, null);
    }

    void write(String resultFile) {
        if (resultFile == null || resultFile.isBlank()) {
            return;
        }
        try {
            Path file = Path.of(resultFile);
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writeValue(file.toFile(), this);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the result file " + resultFile, e);
        }
    }
}
