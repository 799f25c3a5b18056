package io.steelthread.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads a topic with the seed's own tool, {@code kcat -C -b <broker> -t <topic> -o beginning}. */
public final class Kcat {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Kcat() {
    }

    public static List<TopicRecords.Record> readAll(String bootstrap, String topic) throws IOException, InterruptedException {
        // -J wraps each record in a JSON envelope (key, payload, partition, offset); -e exits at the end.
        Process kcat = new ProcessBuilder("kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-e", "-q", "-J")
                .redirectErrorStream(false).start();
        byte[] out = kcat.getInputStream().readAllBytes();
        String err = new String(kcat.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kcat.waitFor(60, TimeUnit.SECONDS) || kcat.exitValue() != 0) {
            throw new IllegalStateException("kcat failed (exit " + kcat.exitValue() + "): " + err);
        }
        List<TopicRecords.Record> records = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                JsonNode envelope = MAPPER.readTree(line);
                records.add(new TopicRecords.Record(envelope.path("key").asText(null), MAPPER.readTree(envelope.path("payload").asText())));
            }
        }
        return records;
    }
}
