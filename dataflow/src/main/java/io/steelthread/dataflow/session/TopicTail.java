package io.steelthread.dataflow.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The seed's {@code kafkacat -C -b kafka:29092 -t events -o beginning}, limited to what one run of the demo
 * produced: {@link #mark()} notes where each partition ends, {@link #read} waits for the new records (read
 * committed, as the processor writes transactionally) and returns their values — read by kcat from the same
 * offsets when kcat is installed, else by the Kafka consumer that waited for them.
 */
public final class TopicTail implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrap;
    private final String topic;
    private final Optional<Path> kcat;
    private final KafkaConsumer<String, String> consumer;
    private final Map<Integer, Long> start = new TreeMap<>();

    TopicTail(String bootstrap, String topic, Optional<Path> kcat) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.kcat = kcat;
        this.consumer = readCommitted(bootstrap);
    }

    /** A consumer that sees what the processor's transactions committed, and commits nothing itself. */
    private static KafkaConsumer<String, String> readCommitted(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    static TopicTail detect(String bootstrap, String topic) {
        return new TopicTail(bootstrap, topic, Tools.find("kcat").or(() -> Tools.find("kafkacat")));
    }

    String describe() {
        return kcat.map(p -> "kcat at " + p)
                .orElse("built-in Kafka consumer (kcat not installed: apt-get install kcat to use it)");
    }

    /** The command a user would type to see the same records. */
    String command() {
        return "kcat -C -b " + bootstrap + " -t " + topic + " -o beginning";
    }

    void mark() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(tp -> start.put(tp.partition(), consumer.position(tp)));
    }

    /** The values of up to {@code expected} records written since {@link #mark()}, waiting at most {@code timeout}. */
    List<String> read(int expected, Duration timeout) throws IOException, InterruptedException {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        if (kcat.isEmpty()) {
            return records.stream().map(ConsumerRecord::value).toList();
        }
        Map<Integer, Integer> perPartition = new TreeMap<>();
        records.forEach(r -> perPartition.merge(r.partition(), 1, Integer::sum));
        List<String> values = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : perPartition.entrySet()) {
            values.addAll(kcat(e.getKey(), start.get(e.getKey()), e.getValue()));
        }
        return values;
    }

    /** Events of a type in the whole topic (read committed), as a streaming query from the earliest offsets sees them. */
    long countAll(String eventType) throws IOException {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long count = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("could not read " + topic + " to its end within 120 s");
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                if (eventType.equals(JSON.readTree(r.value()).path("event_type").asText())) {
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * Follows a topic as the seed's {@code kafkacat -C -t events -o beginning} did, one record value per line (read
     * committed), with each record's {@code dlq_reason} header beside it when it has one: through kcat when it is
     * installed and {@code builtin} is false, else through the Kafka consumer. Ends after {@code count} records
     * ({@code count} 0: follows until interrupted).
     */
    public static void follow(String bootstrap, String topic, boolean fromBeginning, int count, boolean builtin,
            java.io.PrintStream out) throws IOException, InterruptedException {
        Optional<Path> kcat = builtin ? Optional.empty() : Tools.find("kcat").or(() -> Tools.find("kafkacat"));
        if (kcat.isPresent()) {
            List<String> command = new ArrayList<>(List.of(kcat.get().toString(), "-C", "-q", "-b", bootstrap, "-t",
                    topic, "-X", "isolation.level=read_committed", "-o", fromBeginning ? "beginning" : "end",
                    "-f", "%s\\t%h\\n"));
            if (count > 0) {
                command.addAll(List.of("-c", String.valueOf(count)));
            }
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    out.println(withReason(line));
                }
            }
            finally {
                process.destroy();
            }
            return;
        }
        try (KafkaConsumer<String, String> consumer = readCommitted(bootstrap)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            }
            else {
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
            }
            int seen = 0;
            while (count == 0 || seen < count) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    var reason = r.headers().lastHeader(DLQ_REASON);
                    out.println(r.value() + (reason == null ? ""
                            : "\t" + DLQ_REASON + "=" + new String(reason.value(), StandardCharsets.UTF_8)));
                    if (++seen == count) {
                        break;
                    }
                }
            }
        }
    }

    static final String DLQ_REASON = "dlq_reason";

    /** kcat prints the value, a tab and every header as {@code k=v,k=v}: keep the DLQ's reason, as the built-in does. */
    static String withReason(String line) {
        int tab = line.lastIndexOf('\t');
        if (tab < 0) {
            return line;
        }
        String value = line.substring(0, tab);
        String headers = line.substring(tab + 1);
        int at = headers.indexOf(DLQ_REASON + "=");
        if (at < 0) {
            return value;
        }
        int end = headers.indexOf(',', at);
        return value + "\t" + headers.substring(at, end < 0 ? headers.length() : end);
    }

    private List<String> kcat(int partition, long offset, int count) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(kcat.get().toString(), "-C", "-b", bootstrap, "-t", topic,
                "-p", String.valueOf(partition), "-o", String.valueOf(offset), "-c", String.valueOf(count), "-e", "-q")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("kcat failed reading " + topic + "[" + partition + "] from offset " + offset);
        }
        return output.lines().filter(l -> !l.isBlank()).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
