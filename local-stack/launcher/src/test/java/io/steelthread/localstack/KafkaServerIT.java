package io.steelthread.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaServerIT {

    @TempDir
    Path home;

    @Test
    void producesAndConsumesAndKeepsRecordsAcrossRestart() throws Exception {
        KafkaServer kafka = new KafkaServer(KafkaServerSettings.forTests(home));
        try {
            kafka.start();
            kafka.createTopics(List.of("t"), 2);
            produce(kafka, "t", "a", "b");
            long pid = kafka.pid();
            kafka.stop();
            assertThat(ProcessHandle.of(pid)).isEmpty();
            assertThat(Ports.isOpen(kafka.settings().port())).isFalse();

            kafka.start();
            produce(kafka, "t", "c");
            assertThat(consumeAll(kafka, "t", 3)).containsExactlyInAnyOrder("a", "b", "c");
        }
        finally {
            kafka.stop();
        }
    }

    @Test
    void takenPortIsAClearError() throws Exception {
        KafkaServer first = new KafkaServer(KafkaServerSettings.forTests(home.resolve("one")));
        try {
            first.start();
            KafkaServerSettings s = first.settings();
            KafkaServer second = new KafkaServer(new KafkaServerSettings(home.resolve("two"), s.host(), s.port(),
                    Ports.free(), s.libs(), s.heap(), 1, Duration.ofSeconds(30), Map.of()));
            assertThatThrownBy(second::start).isInstanceOf(ServerStartException.class)
                    .hasMessageContaining("kafka").hasMessageContaining("port " + s.port());
        }
        finally {
            first.stop();
        }
    }

    static void produce(KafkaServer kafka, String topic, String... values) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(topic, v)).get();
            }
        }
    }

    static List<String> consumeAll(KafkaServer kafka, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }
}
