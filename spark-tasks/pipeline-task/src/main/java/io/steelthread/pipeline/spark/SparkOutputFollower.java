package io.steelthread.pipeline.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a Spark application's output, as spark-submit writes it, into the task's log line by line while the
 * application runs: the driver's prints (a console sink's batches, a job's schema and counts) show in the task's
 * log, which is what Data Flow keeps and shows for the execution. A streaming application's progress lines
 * ({@value #PROGRESS} and the query's progress JSON) go to the progress consumer (metrics) instead.
 */
final class SparkOutputFollower implements AutoCloseable {

    /** The prefix StreamEventsJob prints before each StreamingQueryProgress JSON. */
    static final String PROGRESS = "STEELTHREAD_PROGRESS ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Consumer<JsonNode> progress;
    private final Logger log;
    private final Thread thread;
    private volatile boolean closing;

    SparkOutputFollower(Path file, String application, Consumer<JsonNode> progress) {
        this.file = file;
        this.progress = progress;
        this.log = LoggerFactory.getLogger("spark." + application);
        this.thread = new Thread(this::follow, "spark-output-" + application);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void follow() {
        try {
            while (!Files.exists(file) && !closing) {
                Thread.sleep(100);
            }
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                while (true) {
                    String line = reader.readLine();
                    if (line != null && line.startsWith(PROGRESS)) {
                        progress(line.substring(PROGRESS.length()));
                    }
                    else if (line != null) {
                        log.info(line);
                    }
                    else if (closing) {
                        return;
                    }
                    else {
                        Thread.sleep(200);
                    }
                }
            }
        }
        catch (IOException e) {
            log.warn("cannot follow {}: {}", file, e.getMessage());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void progress(String json) {
        try {
            progress.accept(JSON.readTree(json));
        }
        catch (IOException | RuntimeException e) {
            // A line cut by the driver's end, or a progress format of another Spark version: the metrics miss one
            // update, the application is unaffected.
            log.debug("unreadable progress line: {}", e.getMessage());
        }
    }

    /** Copies what is left of the output, then stops. */
    @Override
    public void close() throws InterruptedException {
        closing = true;
        thread.join(5000);
    }
}
