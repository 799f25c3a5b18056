package io.steelthread.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.localstack.ChildProcess;
import io.steelthread.localstack.KafkaServer;
import io.steelthread.localstack.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged processor, as its own JVM on a real broker, killed with SIGKILL mid-stream and started again:
 * every raw event ends up exactly once in {@code events} or {@code events.dlq} (read committed).
 */
class ProcessorExactlyOnceIT {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Waiting in events.raw before the first instance starts: seconds of work at its rate. */
    static final int BACKLOG = 100_000;
    static final int TOTAL = BACKLOG + 6000;
    static final String UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/126.0.0.0 Mobile Safari/537.36";

    final KafkaServer kafka = KafkaServer.sharedForTests();
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String raw = "raw-" + run;
    final String events = "events-" + run;
    final String dlq = "dlq-" + run;

    @Test
    void killedMidStreamAndRestartedEveryEventLandsExactlyOnce() throws Exception {
        kafka.createTopics(List.of(raw, events, dlq), 3);
        Path work = Files.createTempDirectory("processor-eos");
        try (KafkaProducer<String, String> producer = producer(); Admin admin = kafka.admin()) {
            // A backlog the processor needs seconds to work through, so the kill lands inside it.
            produce(producer, 0, BACKLOG);
            ChildProcess first = startProcessor(work, "first", Ports.free());
            long killedAt;
            try {
                awaitConsumed(admin, 1, Duration.ofSeconds(120), first);
                assertThat(awaitOpenTransaction(events, Duration.ofSeconds(10)))
                        .as("a transaction of the processor open, with records written, before the kill").isTrue();
                killedAt = System.nanoTime();
                first.kill();
            }
            finally {
                if (first.isAlive()) {
                    first.kill();
                }
            }

            // Offsets and output commit in one transaction: what the group has consumed is exactly what is out.
            long[] atKill = settledAfterKill(admin, Duration.ofSeconds(15));
            long consumedAtKill = atKill[0];
            long outAtKill = atKill[1];
            long writtenAtKill = readUncommitted(events) + readUncommitted(dlq);
            System.out.printf("processor SIGKILLed: %,d of %,d raw events consumed and out (read committed), "
                    + "%,d more records written in its open transactions%n", consumedAtKill, BACKLOG,
                    writtenAtKill - outAtKill);
            assertThat(consumedAtKill).as("the kill landed while the backlog was being worked through")
                    .isLessThan(BACKLOG);
            assertThat(outAtKill).as("records out (read committed) = raw events consumed, at the kill")
                    .isEqualTo(consumedAtKill);

            produce(producer, BACKLOG, TOTAL);
            long launchedAt = System.nanoTime();
            int secondPort = Ports.free();
            ChildProcess second = startProcessor(work, "second", secondPort);
            try {
                // Production settings: the dead member holds its partitions until its session expires.
                awaitConsumed(admin, consumedAtKill + 1, Duration.ofSeconds(120), second);
                long resumed = System.nanoTime();
                System.out.printf("restart: first commit %.1f s after the kill, %.1f s after the launch "
                        + "(session.timeout.ms as deployed)%n", (resumed - killedAt) / 1e9, (resumed - launchedAt) / 1e9);
                awaitConsumed(admin, TOTAL, Duration.ofSeconds(180), second);
                assertActuator(secondPort);
            }
            finally {
                second.stop(Duration.ofSeconds(20));
            }
            long aborted = readUncommitted(events) + readUncommitted(dlq) - TOTAL;
            System.out.printf("records written but aborted (the killed instance's open transactions, fenced): %,d%n",
                    aborted);
            assertThat(aborted).as("records of the transactions the kill interrupted, aborted on restart").isPositive();
        }

        List<ConsumerRecord<byte[], byte[]>> good = readCommitted(events);
        List<ConsumerRecord<byte[], byte[]>> bad = readCommitted(dlq);
        assertThat(good.size() + bad.size()).isEqualTo(TOTAL);
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : good) {
            JsonNode e = MAPPER.readTree(r.value());
            ids.add(e.path("event_id").asText());
            assertThat(e.path("player").asText()).startsWith("user");
            assertThat(e.path("isp").asText()).isEqualTo("comcast.com");
            assertThat(e.path("event_date").asText()).isEqualTo("2026-11-25");
            assertThat(e.path("ua_family").asText()).isEqualTo("Chrome Mobile");
            assertThat(e.path("os_family").asText()).isEqualTo("Android");
        }
        Map<String, byte[]> rawByPosition = new HashMap<>();
        readCommitted(raw).forEach(r -> rawByPosition.put(r.partition() + "@" + r.offset(), r.value()));
        for (ConsumerRecord<byte[], byte[]> r : bad) {
            String id = new String(r.key(), StandardCharsets.UTF_8);
            ids.add(id);
            assertThat(header(r, "dlq_reason")).startsWith("malformed JSON");
            assertThat(header(r, "dlq_source_topic")).isEqualTo(raw);
            // The original bytes, and where they were in the raw topic.
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{broken " + id.substring(1));
            String at = header(r, "dlq_source_partition") + "@" + header(r, "dlq_source_offset");
            assertThat(rawByPosition).as("raw record at %s", at).containsKey(at);
            assertThat(rawByPosition.get(at)).isEqualTo(r.value());
        }
        assertThat(ids).doesNotHaveDuplicates().hasSize(TOTAL);
        assertThat(bad).hasSize(TOTAL / 10);
    }

    /** Every tenth event is malformed JSON; its key carries its id so the DLQ can be checked too. */
    static void produce(KafkaProducer<String, String> producer, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            String id = "e" + i;
            String value = i % 10 == 9 ? "{broken " + i
                    : "{\"event_type\":\"purchase_sword\",\"event_id\":\"" + id + "\",\"event_ts\":\"2026-11-25T10:"
                            + String.format("%02d", i % 60) + ":00Z\",\"Host\":\"user" + (i % 7)
                            + ".comcast.com\",\"User-Agent\":\"" + UA + "\",\"Accept\":\"*/*\"}";
            producer.send(new ProducerRecord<>(rawTopicOf(producer), i % 10 == 9 ? id : "user" + (i % 7), value));
        }
        producer.flush();
    }

    private static final Map<KafkaProducer<String, String>, String> TOPICS = new HashMap<>();

    private static String rawTopicOf(KafkaProducer<String, String> producer) {
        return TOPICS.get(producer);
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        TOPICS.put(producer, raw);
        return producer;
    }

    private static void assertActuator(int port) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String health = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(health).contains("\"status\":\"UP\"");
        String metrics = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("kafka_consumer").contains("spring_cloud_stream");
        // What the monitoring reads: every tenth event is malformed JSON, so about a tenth are dead-lettered.
        double forwarded = metric(http, port, "steelthread.processor.events", "outcome:forwarded", "event_type:purchase_sword");
        double deadLettered = metric(http, port, "steelthread.processor.events", "outcome:dead_lettered");
        double malformed = metric(http, port, "steelthread.processor.dead.letters", "reason:malformed_json");
        assertThat(forwarded).isPositive();
        assertThat(malformed).isEqualTo(deadLettered);
        assertThat(malformed * 10).isCloseTo(forwarded + deadLettered, org.assertj.core.data.Percentage.withPercentage(5));
    }

    private static double metric(java.net.http.HttpClient http, int port, String name, String... tags) throws Exception {
        StringBuilder query = new StringBuilder();
        for (String tag : tags) {
            query.append(query.length() == 0 ? "?" : "&").append("tag=").append(tag);
        }
        String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                + "/actuator/metrics/" + name + query)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return MAPPER.readTree(body).path("measurements").get(0).path("value").asDouble();
    }

    private ChildProcess startProcessor(Path work, String name, int port) {
        Path jar = Path.of(System.getProperty("steelthread.processor.jar", "target/processor-app-0.1.0-SNAPSHOT.jar"));
        assertThat(jar).exists();
        return ChildProcess.start("processor-" + name, jar.toAbsolutePath().toString(), List.of("-Xmx256m"),
                "org.springframework.boot.loader.launch.JarLauncher",
                List.of("--spring.cloud.stream.kafka.binder.brokers=" + kafka.bootstrapServers(),
                        "--spring.cloud.stream.bindings.input.destination=" + raw,
                        "--spring.cloud.stream.bindings.input.group=eos-" + run,
                        "--spring.cloud.stream.bindings.output.destination=" + events,
                        "--steelthread.processor.dlq-topic=" + dlq,
                        "--spring.application.name=eos-" + run,
                        "--server.port=" + port),
                Map.of(), work, work.resolve(name + ".log"));
    }

    /** Waits until the processor's group has committed at least {@code atLeast} offsets of the raw topic. */
    private long awaitConsumed(Admin admin, long atLeast, Duration timeout, ChildProcess processor) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = 0;
        while (System.nanoTime() < deadline) {
            assertThat(processor.isAlive()).as("processor died: %s", processor.tail(60)).isTrue();
            seen = consumed(admin);
            if (seen >= atLeast) {
                return seen;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("only " + seen + " of " + atLeast + " events consumed; log:\n" + processor.tail(60));
    }

    /** Offsets of the raw topic the group committed (in its transactions), summed over partitions. */
    private long consumed(Admin admin) throws Exception {
        return admin.listConsumerGroupOffsets("eos-" + run).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                .values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
    }

    /**
     * Returns once a partition of {@code topic} holds records of a transaction not yet committed (its last stable
     * offset behind its high watermark), so the kill that follows meets a transaction with records written.
     */
    private boolean awaitOpenTransaction(String topic, Duration timeout) throws InterruptedException {
        try (KafkaConsumer<byte[], byte[]> committed = consumer("read_committed");
                KafkaConsumer<byte[], byte[]> uncommitted = consumer("read_uncommitted")) {
            var partitions = committed.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                Map<org.apache.kafka.common.TopicPartition, Long> stable = committed.endOffsets(partitions);
                Map<org.apache.kafka.common.TopicPartition, Long> written = uncommitted.endOffsets(partitions);
                if (partitions.stream().anyMatch(tp -> stable.get(tp) < written.get(tp))) {
                    return true;
                }
                Thread.sleep(10);
            }
            return false;
        }
    }

    /**
     * The group's committed offsets and the committed output, once they agree: a commit the kill interrupted after
     * the coordinator had decided it is still completed, its offsets and its output markers a moment apart.
     *
     * @return {consumed, out}, equal unless they did not settle within {@code timeout}
     */
    private long[] settledAfterKill(Admin admin, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long consumed;
        long out;
        do {
            consumed = consumed(admin);
            out = readCommitted(events).size() + readCommitted(dlq).size();
            if (out == consumed && consumed(admin) == consumed) {
                break;
            }
            Thread.sleep(200);
        }
        while (System.nanoTime() < deadline);
        return new long[] {consumed, out};
    }

    private long readUncommitted(String topic) {
        return read(topic, "read_uncommitted").size();
    }

    private List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        return read(topic, "read_committed");
    }

    private KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private List<ConsumerRecord<byte[], byte[]>> read(String topic, String isolation) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(isolation)) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
