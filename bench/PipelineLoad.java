import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One rate of bench/pipeline.sh: sword purchases through the game API's batch endpoint at a fixed rate for a fixed
 * time, while single marked events are timed from their 2xx to their row in Presto (freshness). Prints one line:
 * offered and accepted events/s, 503s, the processor's lag on events.raw at the end, freshness p50/p95/max.
 * java -cp 'local-stack/cli/target/lib/*' bench/PipelineLoad.java SOURCE_URL PRESTO_JDBC KAFKA RATE SECONDS BATCH
 */
public class PipelineLoad {

    public static void main(String[] args) throws Exception {
        if (args[0].equals("lag")) {
            System.out.println(lag(args[1]));
            return;
        }
        if (args[0].equals("size")) {
            System.out.println(size(args[1], args[2]));
            return;
        }
        String source = args[0];
        String presto = args[1];
        String kafka = args[2];
        int rate = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int batch = Integer.parseInt(args[5]);

        long lagBefore = lag(kafka);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < batch; i++) {
            body.append(i == 0 ? "" : ",").append("{\"event_type\":\"purchase_sword\",\"sword_type\":\"katana\",\"price\":")
                    .append(i).append('}');
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(source + "/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.append(']')
                        .toString())).build();
        AtomicLong accepted = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        // Requests in flight are bounded: a rate the API cannot take shows as fewer accepted, not as a queue here.
        Semaphore inFlight = new Semaphore(64);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        int ticksPerSecond = 20;
        double perTick = (double) rate / batch / ticksPerSecond;
        double[] owed = {0};
        long start = System.nanoTime();
        ticks.scheduleAtFixedRate(() -> {
            owed[0] += perTick;
            while (owed[0] >= 1) {
                owed[0] -= 1;
                if (!inFlight.tryAcquire()) {
                    failed.incrementAndGet();
                    continue;
                }
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    inFlight.release();
                    if (e != null) {
                        failed.incrementAndGet();
                    }
                    else if (r.statusCode() == 200) {
                        accepted.addAndGet(batch);
                    }
                    else if (r.statusCode() == 503) {
                        unavailable.incrementAndGet();
                    }
                    else {
                        failed.incrementAndGet();
                    }
                });
            }
        }, 0, 1000 / ticksPerSecond, TimeUnit.MILLISECONDS);

        List<Long> freshness = new ArrayList<>();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        try (Connection c = DriverManager.getConnection(presto, "bench", null);
                PreparedStatement visible = c.prepareStatement(
                        "SELECT count(*) FROM sword_purchases WHERE element_at(attributes, 'marker') = ?")) {
            while (System.nanoTime() < end) {
                String marker = UUID.randomUUID().toString();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(source + "/events/purchase_sword"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"sword_type\":\"katana\",\"marker\":\"" + marker + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                long acknowledged = System.nanoTime();
                if (r.statusCode() != 200) {
                    Thread.sleep(1000);
                    continue;
                }
                visible.setString(1, marker);
                long deadline = acknowledged + TimeUnit.SECONDS.toNanos(120);
                boolean seen = false;
                while (!seen && System.nanoTime() < deadline) {
                    try (ResultSet rs = visible.executeQuery()) {
                        rs.next();
                        seen = rs.getLong(1) > 0;
                    }
                    if (!seen) {
                        Thread.sleep(200);
                    }
                }
                freshness.add(seen ? (System.nanoTime() - acknowledged) / 1_000_000 : 120_000);
                Thread.sleep(500);
            }
        }
        ticks.shutdownNow();
        double elapsed = (System.nanoTime() - start) / 1e9;
        Collections.sort(freshness);
        long lagAfter = lag(kafka);
        System.out.printf("rate %6d/s (batches of %d) for %.0f s: accepted %8.0f events/s, 503 %d, failed/skipped %d, "
                + "processor %8.0f events/s, lag %d -> %d, freshness p50 %.1f s p95 %.1f s max %.1f s (%d samples)%n",
                rate, batch, elapsed, accepted.get() / elapsed, unavailable.get(), failed.get(),
                (accepted.get() - (lagAfter - lagBefore)) / elapsed, lagBefore, lagAfter,
                percentile(freshness, 50) / 1000.0, percentile(freshness, 95) / 1000.0,
                freshness.isEmpty() ? 0 : freshness.get(freshness.size() - 1) / 1000.0, freshness.size());
        System.exit(0);
    }

    /** Records in events.raw the processor's group has not committed yet. */
    static long lag(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("steelthread-processor")
                    .partitionsToOffsetAndMetadata().get();
            Set<TopicPartition> raw = admin.describeTopics(List.of("events.raw")).allTopicNames().get().get("events.raw")
                    .partitions().stream().map(i -> new TopicPartition("events.raw", i.partition()))
                    .collect(Collectors.toSet());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(raw.stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
            long lag = 0;
            for (TopicPartition tp : raw) {
                OffsetAndMetadata done = committed.get(tp);
                lag += ends.get(tp).offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        }
    }

    /** Records in a topic (the sum of its partitions' end offsets). */
    static long size(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().stream().collect(Collectors.toMap(i -> new TopicPartition(topic, i.partition()),
                            i -> OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
        }
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
