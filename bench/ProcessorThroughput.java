import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The processor's throughput on a backlog, beside a plain consumer of the same topic. Run by bench/processor.sh:
 *   produce BOOTSTRAP TOPIC N   N raw events as the game API writes them (200 User-Agents, 1,000 hosts)
 *   drain BOOTSTRAP TOPIC N     reads N records (read_committed) and prints records/s from the first to the last
 */
public class ProcessorThroughput {

    public static void main(String[] args) throws Exception {
        String bootstrap = args[1];
        String topic = args[2];
        int n = Integer.parseInt(args[3]);
        if (args[0].equals("produce")) {
            produce(bootstrap, topic, n);
        }
        else {
            drain(bootstrap, topic, n);
        }
    }

    static void produce(String bootstrap, String topic, int n) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        String[] types = {"purchase_sword", "default", "join_guild", "purchase_sword"};
        long t0 = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                String host = "user" + (i % 1000) + (i % 2 == 0 ? ".comcast.com" : ".att.com");
                String type = types[i % types.length];
                String attributes = type.equals("purchase_sword") ? "{\"sword_type\":\"katana\"}"
                        : type.equals("join_guild") ? "{\"guild\":\"knights\"}" : "{}";
                String ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
                        + (100 + i % 200) + ".0.0.0 Safari/537.36";
                String event = "{\"event_type\":\"" + type + "\",\"event_id\":\"" + UUID.randomUUID()
                        + "\",\"event_ts\":\"" + Instant.now() + "\",\"Host\":\"" + host + "\",\"Accept\":\"*/*\","
                        + "\"User-Agent\":\"" + ua + "\",\"attributes\":" + attributes + "}";
                producer.send(new ProducerRecord<>(topic, host, event));
            }
            producer.flush();
        }
        System.out.printf("produced %,d raw events in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
    }

    static void drain(String bootstrap, String topic, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // As the processor polls. With the default 500, a backlog in one partition is read at ~6,000 records/s
        // here: the consumer's next fetch leaves out the partition it still holds records of, and the broker holds
        // that empty fetch for fetch.max.wait.ms (measured: 6,248/s with 500, 517,742/s with 5,000).
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        long first = 0;
        long last = 0;
        long count = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long nextReport = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (count < n && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    long now = System.nanoTime();
                    if (first == 0) {
                        first = now;
                        nextReport = now + 5_000_000_000L;
                    }
                    count += records.count();
                    last = now;
                    if (now > nextReport) {
                        System.out.printf("  %s: %,d records, %,.0f/s so far%n", topic, count, count / ((now - first) / 1e9));
                        nextReport = now + 5_000_000_000L;
                    }
                }
            }
        }
        double seconds = (last - first) / 1e9;
        System.out.printf("%s: %,d records in %.1f s from the first to the last: %,.0f records/s%n", topic, count, seconds,
                seconds > 0 ? count / seconds : 0);
    }
}
