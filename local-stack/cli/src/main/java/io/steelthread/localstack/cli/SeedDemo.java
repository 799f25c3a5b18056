package io.steelthread.localstack.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The seed's session on the local stack: the four {@code ab -n 10 -H "Host: …"} runs against the game API, then
 * the {@code events} topic read back as {@code kafkacat -C -t events -o beginning} showed it.
 */
final class SeedDemo {

    static final List<String> HOSTS = List.of("user1.comcast.com", "user2.att.com");
    static final List<String> PATHS = List.of("/", "/purchase_a_sword");
    static final int REQUESTS = 10;
    private static final Pattern FIELD = Pattern.compile("\"(event_type|Host)\":\"([^\"]*)\"");

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
        try (KafkaConsumer<String, String> consumer = consumer(s.kafkaBootstrap())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            out.println();
            for (String host : HOSTS) {
                for (String path : PATHS) {
                    ab(host, "http://localhost:" + s.port("source") + path);
                }
            }
            int expected = HOSTS.size() * PATHS.size() * REQUESTS;
            List<String> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (events.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> events.add(r.value()));
            }
            out.println();
            out.println("$ kcat -C -b " + s.kafkaBootstrap() + " -t " + topic + "   (the events of this run, first 3 of "
                    + events.size() + ")");
            events.stream().limit(3).forEach(out::println);
            out.println();
            Map<String, Integer> counts = new TreeMap<>();
            for (String e : events) {
                Matcher m = FIELD.matcher(e);
                String type = "?";
                String host = "?";
                while (m.find()) {
                    if (m.group(1).equals("event_type")) {
                        type = m.group(2);
                    }
                    else {
                        host = m.group(2);
                    }
                }
                counts.merge(String.format("%-20s %-16s", host, type), 1, Integer::sum);
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

    private void ab(String host, String url) throws IOException, InterruptedException {
        List<String> command = List.of("ab", "-n", String.valueOf(REQUESTS), "-H", "Host: " + host, url);
        out.println("$ " + String.join(" ", command).replace("Host: " + host, "\"Host: " + host + "\""));
        Process ab;
        try {
            ab = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (IOException e) {
            throw new IOException("ab (ApacheBench) is not installed: apt-get install apache2-utils", e);
        }
        String report = new String(ab.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ab.waitFor(60, TimeUnit.SECONDS) || ab.exitValue() != 0) {
            throw new IOException("ab failed:\n" + report);
        }
        report.lines().filter(l -> l.startsWith("Complete requests") || l.startsWith("Failed requests")
                || l.startsWith("Requests per second")).forEach(l -> out.println("    " + l));
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
