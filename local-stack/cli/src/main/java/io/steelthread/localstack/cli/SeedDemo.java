package io.steelthread.localstack.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The seed's session on the local stack: the four {@code ab -n 10 -H "Host: …"} runs against the game API, then
 * the {@code events} topic read back as {@code kafkacat -C -t events -o beginning} showed it.
 */
final class SeedDemo {

    static final List<String> HOSTS = List.of("user1.comcast.com", "user2.att.com");
    static final List<String> PATHS = List.of("/", "/purchase_a_sword");
    static final int REQUESTS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalStack stack;
    private final PrintStream out;

    SeedDemo(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    /** @return 0 when every event arrived and the pipeline task and queries succeeded */
    int run() throws IOException, InterruptedException {
        StackSettings s = stack.settings();
        String topic = s.get("topics.events");
        ApacheBench ab = ApacheBench.detect(out);
        try (TopicTail tail = TopicTail.detect(s.kafkaBootstrap(), topic)) {
            tail.mark();
            out.println();
            out.println("traffic: " + ab.describe());
            out.println("topic:   " + tail.describe());
            out.println();
            for (String host : HOSTS) {
                for (String path : PATHS) {
                    ab.run(REQUESTS, host, "http://localhost:" + s.port("source") + path);
                }
            }
            int expected = HOSTS.size() * PATHS.size() * REQUESTS;
            List<String> events = tail.read(expected, Duration.ofSeconds(60));
            out.println();
            out.println("$ " + tail.command() + "   (the events of this run, first 3 of " + events.size() + ")");
            events.stream().limit(3).forEach(out::println);
            out.println();
            Map<String, Integer> counts = new TreeMap<>();
            for (String e : events) {
                JsonNode event = JSON.readTree(e);
                counts.merge(String.format("%-20s %-16s", event.path("Host").asText("?"),
                        event.path("event_type").asText("?")), 1, Integer::sum);
            }
            out.printf("%-20s %-16s %s%n", "Host", "event_type", "events");
            counts.forEach((k, v) -> out.printf("%s %d%n", k, v));
            out.printf("%d of %d events reached '%s' validated and enriched%n", events.size(), expected, topic);
            if (events.size() < expected) {
                return expected - events.size();
            }
        }
        // The seed's spark-submit write_hive_table.py, then its Presto session.
        out.println();
        PipelineRun pipeline = new PipelineRun(s, out);
        int exit = pipeline.runTask("purchasesExtract");
        if (exit != 0) {
            out.println("the pipeline task failed (exit " + exit + ")");
            return 1;
        }
        try {
            pipeline.query("show tables");
            pipeline.query("describe purchases");
            pipeline.query("select accept, host, \"user-agent\", event_type, \"timestamp\" from purchases limit 5");
            pipeline.query("select host, count(*) as purchases from purchases group by host order by host");
        }
        catch (java.sql.SQLException e) {
            throw new IOException("Presto query failed: " + e.getMessage(), e);
        }
        return 0;
    }
}
