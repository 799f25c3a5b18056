package io.steelthread.pipeline;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Properties;

import io.steelthread.localstack.KafkaServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Events as the processor writes them to the events topic, numbered so every one can be found again. */
final class TestEvents {

    private TestEvents() {
    }

    /** Produces events {@code e<from>} … {@code e<to - 1>} of one type, event_ts now minus their number in seconds. */
    static void produce(KafkaServer kafka, String topic, int from, int to, String type) {
        produce(kafka, topic, from, to, type, null);
    }

    /** As above, every event at {@code at} if given (late events of a past hour). */
    static void produce(KafkaServer kafka, String topic, int from, int to, String type, Instant at) {
        try (KafkaProducer<String, String> producer = producer(kafka, null)) {
            send(producer, topic, "e", from, to, type, at);
            producer.flush();
        }
    }

    /**
     * Events {@code aborted<from>} … in a transaction that is aborted, as a processor's transaction is when it
     * fails: in the topic's log, but never to be read by a read_committed consumer.
     */
    static void produceAborted(KafkaServer kafka, String topic, int from, int to, String type) {
        try (KafkaProducer<String, String> producer = producer(kafka, "aborted-" + topic)) {
            producer.initTransactions();
            producer.beginTransaction();
            send(producer, topic, "aborted", from, to, type, null);
            producer.flush();
            producer.abortTransaction();
        }
    }

    /**
     * Events in a transaction left open, as a processor that crashed mid-poll leaves one until its restart fences it
     * (or the broker aborts it after transaction.timeout.ms). The caller ends it (abort, commit or close).
     */
    static KafkaProducer<String, String> produceInOpenTransaction(KafkaServer kafka, String topic, int from, int to,
            String type) {
        Properties p = properties(kafka, "open-" + topic);
        // Open for as long as the caller needs it (the default, 60 s, could end it while a slow extract starts).
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000);
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        producer.beginTransaction();
        send(producer, topic, "open", from, to, type, null);
        producer.flush();
        return producer;
    }

    private static KafkaProducer<String, String> producer(KafkaServer kafka, String transactionalId) {
        return new KafkaProducer<>(properties(kafka, transactionalId), new StringSerializer(), new StringSerializer());
    }

    private static Properties properties(KafkaServer kafka, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return p;
    }

    private static void send(KafkaProducer<String, String> producer, String topic, String idPrefix, int from, int to,
            String type, Instant at) {
        Instant now = Instant.now();
        for (int i = from; i < to; i++) {
            int player = i % 2 + 1;
            String isp = player == 1 ? "comcast.com" : "att.com";
            String host = "user" + player + "." + isp;
            Instant ts = at != null ? at : now.minusSeconds(i % 600);
            ZonedDateTime utc = ts.atZone(ZoneOffset.UTC);
            producer.send(new ProducerRecord<>(topic, host, "{\"event_type\":\"" + type + "\",\"event_id\":\""
                    + idPrefix + i + "\",\"event_ts\":\"" + ts + "\",\"Host\":\"" + host + "\",\"Accept\":\"*/*\","
                    + "\"User-Agent\":\"ApacheBench/2.3\",\"player\":\"user" + player + "\",\"isp\":\"" + isp + "\","
                    + "\"attributes\":{\"sword_type\":\"katana\"},\"event_date\":\"" + utc.toLocalDate()
                    + "\",\"event_hour\":" + utc.getHour() + "}"));
        }
    }
}
