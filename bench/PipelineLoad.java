import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * One rate of bench/pipeline.sh. Sword purchases go through the game API's batch endpoint at RATE events/s for
 * SECONDS, from 1,000 players (the Host header is the player and the Kafka key, as in the seed's curl calls). Every
 * second one marker purchase goes in as a single request; its host is unique, and the time from its 2xx to its row
 * in Presto is its freshness. Prints one line: offered and accepted events/s, 503s, the processor's events/s and
 * its lag on events.raw (topic and group as the stack names them), freshness p50/p95/max, the machine's CPU busy,
 * and whether the rate is sustained: at least 95 % of the offered events accepted, the lag at the end below one
 * trigger's worth of events, every marker visible (at least one per 1.1 s of load) and freshness p95 <= trigger + 5 s.
 * java -Djdk.httpclient.allowRestrictedHeaders=host -cp 'local-stack/cli/target/lib/*' bench/PipelineLoad.java \
 *   SOURCE_URL PRESTO_JDBC KAFKA RATE SECONDS BATCH TRIGGER_SECONDS
 */
public class PipelineLoad {

    static final int PLAYERS = 1000;
    static final Duration MARKER_WAIT = Duration.ofSeconds(90);

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
        double trigger = Double.parseDouble(args[6]);

        long lagBefore = lag(kafka);
        long[] cpuAtStart = cpuTicks();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < batch; i++) {
            body.append(i == 0 ? "" : ",").append("{\"event_type\":\"purchase_sword\",\"sword_type\":\"katana\",\"price\":")
                    .append(i).append('}');
        }
        HttpRequest.BodyPublisher payload = HttpRequest.BodyPublishers.ofString(body.append(']').toString());
        List<HttpRequest> requests = new ArrayList<>();
        for (int p = 0; p < PLAYERS; p++) {
            requests.add(HttpRequest.newBuilder(URI.create(source + "/events")).header("Host", "user" + p + ".comcast.com")
                    .header("Content-Type", "application/json").POST(payload).build());
        }
        AtomicLong accepted = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        // Requests in flight are bounded: a rate the API cannot take shows as fewer accepted, not as a queue here.
        Semaphore inFlight = new Semaphore(64);
        ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
        int ticksPerSecond = 20;
        double perTick = (double) rate / batch / ticksPerSecond;
        double[] owed = {0};
        long[] sent = {0};
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        ticks.scheduleAtFixedRate(() -> {
            owed[0] += perTick;
            while (owed[0] >= 1) {
                owed[0] -= 1;
                if (!inFlight.tryAcquire()) {
                    skipped.incrementAndGet();
                    continue;
                }
                http.sendAsync(requests.get((int) (sent[0]++ % PLAYERS)), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((r, e) -> {
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

        // Markers: host -> when the API answered 2xx.
        Map<String, Long> pending = new ConcurrentHashMap<>();
        AtomicLong markers = new AtomicLong();
        String run = Long.toString(System.currentTimeMillis() % 100000, 36);
        ticks.scheduleAtFixedRate(() -> {
            String host = "mark-" + run + "-" + rate + "-" + markers.incrementAndGet() + ".comcast.com";
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(source + "/events/purchase_sword"))
                        .header("Host", host).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"sword_type\":\"marker\"}")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    pending.put(host, System.nanoTime());
                }
            }
            catch (Exception e) {
                // A marker the API did not take measures nothing.
            }
        }, 500, 1000, TimeUnit.MILLISECONDS);

        List<Long> freshness = new ArrayList<>();
        long lagAtEnd;
        long acceptedAtEnd;
        String cpuBusy;
        long lateMarkers;
        try (Connection c = DriverManager.getConnection(presto, "bench", null); Statement s = c.createStatement()) {
            while (System.nanoTime() < end) {
                poll(s, pending, freshness);
            }
            ticks.shutdownNow();
            lagAtEnd = lag(kafka);
            acceptedAtEnd = accepted.get();
            cpuBusy = busy(cpuAtStart, cpuTicks());
            long markerDeadline = end + MARKER_WAIT.toNanos();
            while (!pending.isEmpty() && System.nanoTime() < markerDeadline) {
                poll(s, pending, freshness);
            }
            lateMarkers = pending.size();
        }
        catch (Exception e) {
            // The load's threads would keep the JVM (and the script waiting on it) alive.
            System.err.println("rate " + rate + ": " + e);
            System.exit(1);
            return;
        }
        ticks.shutdownNow();
        double elapsed = seconds;
        List<Long> sorted = new ArrayList<>(freshness);
        Collections.sort(sorted);
        double p95 = percentile(sorted, 95) / 1000.0;
        boolean sustained = lateMarkers == 0 && sorted.size() >= 0.9 * seconds && lagAtEnd < rate * trigger
                && p95 <= trigger + 5 && acceptedAtEnd >= 0.95 * rate * seconds;
        System.out.printf(Locale.ROOT, "rate %,7d/s for %d s: accepted %,8.0f events/s, 503 %d, failed %d, not sent %d | processor "
                + "%,8.0f events/s, lag %,d -> %,d | freshness p50 %.1f s, p95 %.1f s, max %.1f s (%d markers, %d not "
                + "visible after %d s) | machine CPU busy %s | %s%n",
                rate, seconds, acceptedAtEnd / elapsed, unavailable.get(), failed.get(), skipped.get(),
                (acceptedAtEnd - (lagAtEnd - lagBefore)) / elapsed, lagBefore, lagAtEnd,
                percentile(sorted, 50) / 1000.0, p95, sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1000.0,
                sorted.size(), lateMarkers, MARKER_WAIT.toSeconds(), cpuBusy, sustained ? "SUSTAINED" : "not sustained");
        System.exit(0);
    }

    /**
     * One look for the markers still waiting. A marker's freshness is taken when the query that found it returns,
     * so it includes that query's time (an upper bound by one query).
     */
    static void poll(Statement s, Map<String, Long> pending, List<Long> freshness) throws Exception {
        Set<String> waiting = Set.copyOf(pending.keySet());
        if (!waiting.isEmpty()) {
            String in = waiting.stream().map(h -> "'" + h + "'").collect(Collectors.joining(","));
            try (ResultSet rs = s.executeQuery("SELECT host FROM sword_purchases WHERE host IN (" + in + ")")) {
                long now = System.nanoTime();
                while (rs.next()) {
                    Long acked = pending.remove(rs.getString(1));
                    if (acked != null) {
                        freshness.add((now - acked) / 1_000_000);
                    }
                }
            }
        }
        Thread.sleep(200);
    }

    /** Busy and idle jiffies of all cores (Linux's /proc/stat), or null elsewhere. */
    static long[] cpuTicks() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long all = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                all += Long.parseLong(f[i]);
            }
            return new long[] {all - idle, idle};
        }
        catch (Exception e) {
            return null;
        }
    }

    static String busy(long[] from, long[] to) {
        if (from == null || to == null) {
            return "n/a";
        }
        long busy = to[0] - from[0];
        long idle = to[1] - from[1];
        return String.format("%.0f %%", 100.0 * busy / Math.max(1, busy + idle));
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
