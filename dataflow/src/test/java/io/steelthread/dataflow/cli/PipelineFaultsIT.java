package io.steelthread.dataflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.localstack.ChildProcess;
import io.steelthread.localstack.Ports;
import io.steelthread.localstack.cli.LocalStack;
import io.steelthread.localstack.cli.StackSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline under faults, every server on loopback, as the stack starts it: sword purchases through the
 * game API's batch endpoint at a steady rate while, in turn, the broker is restarted, the processor is SIGKILLed and
 * started again, and the streaming task's Spark driver is SIGKILLed and the task launched again; events whose
 * event_ts falls in the next hour go in through the processor's path (events.raw). At the end, by event_id through
 * presto-jdbc: every event the API accepted (2xx) is in the table exactly once, none it refused (4xx) is, and none it
 * answered 503 for is there twice. Each fault is checked to have hit work in flight.
 */
class PipelineFaultsIT {

    /** Events/s through the API: a load the machine carries beside every server, the stream and the faults. */
    static final int RATE = 400;
    static final int BATCH = 20;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    final Set<String> unavailable = ConcurrentHashMap.newKeySet();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final List<String> loadErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void everyAcceptedEventIsInPrestoExactlyOnceAcrossBrokerProcessorAndDriverFaults() throws Exception {
        Files.writeString(home.resolve("stack.properties"), String.join("\n", "kafka.port=" + Ports.free(),
                "kafka.controller-port=" + Ports.free(), "metastore.port=" + Ports.free(),
                "hiveserver2.port=" + Ports.free(), "presto.port=" + Ports.free(), "processor.port=" + Ports.free(),
                "source.port=" + Ports.free(), "source.management-port=" + Ports.free()) + "\n");
        System.setProperty("steelthread.home", home.toString());
        StackSettings settings = StackSettings.load();
        LocalStack stack = new LocalStack(settings, System.out);
        stack.up(List.of("kafka", "metastore", "hiveserver2", "presto", "processor", "source"));
        try {
            underFaults(settings, stack);
        }
        finally {
            // Whatever failed, nothing this test started outlives it.
            stack.down(true);
        }
    }

    private void underFaults(StackSettings settings, LocalStack stack) throws Exception {
        Process stream = null;
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread load = new Thread(() -> load(settings, loading), "api-load");
        try {
            List<String> args = taskArguments(settings);
            assertThat(task(args, "hiveDdl", 0).waitFor()).as("the DDL task: %s", new Object() {
                @Override
                public String toString() {
                    return tail(home.resolve("hiveDdl-0.log"));
                }
            }).isZero();
            stream = task(args, "swordPurchasesStream", 1);
            load.start();
            awaitRows(settings, 1, Duration.ofSeconds(180), "the stream's first rows");
            pause(5);

            // 1. The broker restarted (stopped as an operator would, started again by the stack).
            long kafka = stack.pid("kafka").orElseThrow();
            ProcessHandle.of(kafka).ifPresent(ProcessHandle::destroy);
            awaitExit(kafka, 60);
            stack.up(List.of("kafka"));
            assertThat(stack.pid("kafka").orElseThrow()).as("a new broker process").isNotEqualTo(kafka);
            pause(8);

            // 2. The processor SIGKILLed with records of events.raw not yet committed, then started again.
            long processor = stack.pid("processor").orElseThrow();
            long uncommitted = 0;
            for (int i = 0; i < 50 && uncommitted == 0; i++) {
                uncommitted = processorLag(settings);
            }
            ProcessHandle.of(processor).ifPresent(ProcessHandle::destroyForcibly);
            assertThat(uncommitted).as("records of events.raw the processor had not committed when killed").isPositive();
            awaitExit(processor, 30);
            System.out.printf("processor SIGKILLed with %d records of events.raw not committed%n", uncommitted);
            stack.up(List.of("processor"));
            pause(8);

            // Events of the next hour, through the processor's path: a partition the stream has never written.
            List<String> nextHour = produceNextHour(settings, 50);
            accepted.addAll(nextHour);

            // 3. The streaming driver SIGKILLed while the stream is behind; the task fails and is launched again.
            long visible = count(settings);
            ProcessHandle driver = stream.toHandle().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("org.apache.spark.deploy.SparkSubmit"))
                    .findFirst().orElseThrow(() -> new AssertionError("no Spark driver under the stream task"));
            long acceptedAtKill = accepted.size();
            driver.destroyForcibly();
            System.out.printf("Spark driver SIGKILLed: %d rows visible, %d events accepted%n", visible, acceptedAtKill);
            assertThat(visible).as("rows visible when the driver was killed (work in flight)").isLessThan(acceptedAtKill);
            assertThat(stream.waitFor(90, TimeUnit.SECONDS)).as("the stream task ends when its driver dies").isTrue();
            assertThat(stream.exitValue()).as("the stream task's exit code after its driver was killed").isNotZero();
            stream = task(args, "swordPurchasesStream", 2);
            pause(10);
        }
        catch (Throwable e) {
            stopStream(stream);
            throw e;
        }
        finally {
            loading.set(false);
            if (load.isAlive()) {
                load.join(30_000);
            }
        }
        try {
            long want = accepted.size();
            awaitRows(settings, want, Duration.ofSeconds(180), "every accepted event");
            pause(5);
            Map<String, Long> rows = rowsById(settings);
            long total = rows.values().stream().mapToLong(Long::longValue).sum();
            List<String> missing = accepted.stream().filter(id -> !rows.containsKey(id)).toList();
            List<String> duplicates = rows.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                    .toList();
            long unavailablePresent = unavailable.stream().filter(rows::containsKey).count();
            long refusedPresent = refusedMarkers(settings);
            System.out.printf("faults test: %d requests, %d events accepted (2xx), %d answered 503, %d refused (4xx); "
                    + "table: %d rows, %d duplicates, %d missing; of the 503s %d present (none twice); of the 4xx %d "
                    + "present%n", requests.get(), accepted.size(), unavailable.size(), refused.get(), total,
                    duplicates.size(), missing.size(), unavailablePresent, refusedPresent);
            assertThat(loadErrors).as("requests with no answer").isEmpty();
            assertThat(missing).as("accepted events missing from the table").isEmpty();
            assertThat(duplicates).as("events in the table more than once").isEmpty();
            assertThat(refusedPresent).as("refused events in the table").isZero();
            assertThat(rows.keySet().stream().filter(id -> !accepted.contains(id) && !unavailable.contains(id)).toList())
                    .as("rows of events nobody sent").isEmpty();
        }
        finally {
            stopStream(stream);
        }
    }

    private static void stopStream(Process stream) throws InterruptedException {
        if (stream != null && stream.isAlive()) {
            stream.destroy();
            if (!stream.waitFor(60, TimeUnit.SECONDS)) {
                stream.descendants().forEach(ProcessHandle::destroyForcibly);
                stream.destroyForcibly();
            }
        }
    }

    /** Batches of sword purchases at {@link #RATE}, one invalid item each, every answer per item recorded. */
    private void load(StackSettings settings, AtomicBoolean loading) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI events = URI.create("http://127.0.0.1:" + settings.port("source") + "/events");
        long perBatchNanos = TimeUnit.SECONDS.toNanos(1) * BATCH / RATE;
        long next = System.nanoTime();
        int n = 0;
        while (loading.get()) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < BATCH; i++) {
                body.append(i == 0 ? "" : ",").append("{\"event_type\":\"purchase_sword\",\"sword_type\":\"katana\"}");
            }
            body.append(",{\"event_type\":\"Not A Name\",\"marker\":\"refused-").append(n++).append("\"}]");
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                body.toString())).build(), HttpResponse.BodyHandlers.ofString());
                requests.incrementAndGet();
                JsonNode answer = JSON.readTree(r.body());
                for (JsonNode item : answer.path("events")) {
                    switch (item.path("status").asText()) {
                        case "accepted" -> accepted.add(item.path("eventId").asText());
                        case "failed" -> unavailable.add(item.path("eventId").asText());
                        case "rejected" -> refused.incrementAndGet();
                        default -> loadErrors.add("unknown item status: " + item);
                    }
                }
            }
            catch (Exception e) {
                loadErrors.add(e.toString());
            }
            next += perBatchNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Raw events as the game API writes them, with an event_ts a minute into the next hour. */
    private static List<String> produceNextHour(StackSettings settings, int count) {
        ZonedDateTime ts = ZonedDateTime.now(ZoneOffset.UTC).plusHours(1).truncatedTo(ChronoUnit.HOURS).plusMinutes(1);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String id = java.util.UUID.randomUUID().toString();
                producer.send(new ProducerRecord<>("events.raw", "user1", "{\"event_type\":\"purchase_sword\","
                        + "\"event_id\":\"" + id + "\",\"event_ts\":\"" + ts.toInstant() + "\",\"Host\":\"user1.comcast.com\","
                        + "\"Accept\":\"*/*\",\"User-Agent\":\"ApacheBench/2.3\",\"sword_type\":\"katana\"}"));
                ids.add(id);
            }
            producer.flush();
        }
        return ids;
    }

    /** The pipeline task's arguments as Data Flow passes them (dataflow/definitions, filled from the settings). */
    private static List<String> taskArguments(StackSettings settings) {
        String dsl = StackDefinitions.load(settings, null).task("sword-purchases-stream").dsl();
        List<String> args = new ArrayList<>();
        // Data Flow's own parser: values come back unquoted, as Data Flow passes them.
        for (org.springframework.cloud.dataflow.core.dsl.ArgumentNode a : new org.springframework.cloud.dataflow.core.dsl
                .TaskParser("sword-purchases-stream", dsl, true, true).parse().getTaskApp().getArguments()) {
            if (!a.getName().equals("spring.batch.job.names")) {
                args.add("--" + a.getName() + "=" + a.getValue());
            }
        }
        return args;
    }

    private static Process task(List<String> args, String job, int run) throws Exception {
        StackSettings settings = StackSettings.load();
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(), "-Xmx512m", "-jar",
                settings.appJar("spark-tasks/pipeline-task").toString()));
        command.addAll(args);
        command.addAll(List.of("--spring.batch.job.names=" + job, "--steelthread.pipeline.hive.tables=sword_purchases",
                "--steelthread.pipeline.stream.trigger=2 seconds",
                "--spring.datasource.url=jdbc:h2:file:" + home.resolve("task-db") + ";AUTO_SERVER=FALSE",
                "--spring.cloud.task.name=" + job));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve(job + "-" + run + ".log").toFile()).start();
    }

    private static String tail(Path log) {
        try {
            // From the first error on: the reason comes before the launcher's summary.
            List<String> lines = Files.readAllLines(log);
            int first = 0;
            while (first < lines.size() - 1 && !lines.get(first).contains(" ERROR ")) {
                first++;
            }
            return String.join("\n", lines.subList(first, Math.min(lines.size(), first + 25)));
        }
        catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static long count(StackSettings settings) throws Exception {
        try (Connection c = DriverManager.getConnection(settings.prestoJdbcUrl(), "it", null);
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sword_purchases")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, Long> rowsById(StackSettings settings) throws Exception {
        Map<String, Long> rows = new HashMap<>();
        try (Connection c = DriverManager.getConnection(settings.prestoJdbcUrl(), "it", null);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_id, count(*) FROM sword_purchases GROUP BY event_id")) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getLong(2));
            }
        }
        return rows;
    }

    private static long refusedMarkers(StackSettings settings) throws Exception {
        try (Connection c = DriverManager.getConnection(settings.prestoJdbcUrl(), "it", null);
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sword_purchases "
                        + "WHERE element_at(attributes, 'marker') LIKE 'refused-%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Records of events.raw the processor's group has not committed. */
    private static long processorLag(StackSettings settings) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("steelthread-processor")
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of("events.raw")).allTopicNames().get()
                    .get("events.raw").partitions().stream().collect(Collectors.toMap(
                            i -> new TopicPartition("events.raw", i.partition()), i -> OffsetSpec.latest()));
            long lag = 0;
            for (Map.Entry<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo> end
                    : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        }
    }

    private static void awaitRows(StackSettings settings, long rows, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            try {
                seen = count(settings);
            }
            catch (java.sql.SQLException e) {
                seen = -1;
            }
            if (seen >= rows) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(what + ": Presto saw " + seen + " of " + rows + " rows after " + timeout.toSeconds() + " s");
    }

    private static void awaitExit(long pid, int seconds) throws Exception {
        BooleanSupplier gone = () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!gone.getAsBoolean()) {
            assertThat(System.nanoTime()).as("process %d ended within %d s", pid, seconds).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static void pause(int seconds) throws InterruptedException {
        Thread.sleep(seconds * 1000L);
    }
}
