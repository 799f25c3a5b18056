package io.steelthread.processor.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import ua_parser.CachingParser;

import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

class EventProcessorTest {

    static final CachingParser UA = new CachingParser();
    final ObjectMapper mapper = new ObjectMapper();
    final EventProcessor processor = new EventProcessor(mapper, new EventValidator("io/steelthread/schema", false),
            new EventEnricher(UA), "events.dlq");

    @Test
    void goodEventIsEnrichedAndKeepsItsKey() throws Exception {
        Message<byte[]> out = processor.apply(raw("""
                {"event_type":"purchase_sword","event_id":"1","event_ts":"2026-11-25T23:59:59.999Z",
                 "Host":"user1.comcast.com","Accept":"*/*",
                 "User-Agent":"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
                 "attributes":{"sword_type":"katana","price":12.5}}"""));
        assertThat(out.getHeaders()).doesNotContainKey(EventProcessor.SEND_TO);
        assertThat(out.getHeaders().get(KafkaHeaders.KEY)).isEqualTo("user1.comcast.com".getBytes(StandardCharsets.UTF_8));
        JsonNode e = mapper.readTree(out.getPayload());
        assertThat(e.path("event_date").asText()).isEqualTo("2026-11-25");
        assertThat(e.path("event_hour").asInt()).isEqualTo(23);
        assertThat(e.path("player").asText()).isEqualTo("user1");
        assertThat(e.path("isp").asText()).isEqualTo("comcast.com");
        assertThat(e.path("ua_family").asText()).isEqualTo("Mobile Safari");
        assertThat(e.path("os_family").asText()).isEqualTo("iOS");
        assertThat(e.path("device_family").asText()).isEqualTo("iPhone");
        assertThat(e.path("attributes").path("sword_type").asText()).isEqualTo("katana");
    }

    @Test
    void everyClassOfBadEventGoesToTheDlqWithItsReasonAndOriginalBytes() {
        assertDeadLetter("{\"event_type\":", "malformed JSON");
        assertDeadLetter("[1,2,3]", "must be a JSON object, not array");
        assertDeadLetter("", "must be a JSON object");
        assertDeadLetter("{\"event_id\":\"1\",\"event_ts\":\"2026-11-25T00:00:00Z\"}", "event_type");
        assertDeadLetter("{\"event_type\":\"Bad-Type\",\"event_id\":\"1\",\"event_ts\":\"2026-11-25T00:00:00Z\"}", "pattern");
        assertDeadLetter("{\"event_type\":\"default\",\"event_id\":\"1\",\"event_ts\":\"yesterday\"}", "date-time");
        assertDeadLetter("{\"event_type\":\"default\",\"event_id\":\"1\",\"event_ts\":\"2026-11-25T00:00:00Z\",\"Host\":42}",
                "Host");
        assertDeadLetter("{\"event_type\":\"purchase_sword\",\"event_id\":\"1\",\"event_ts\":\"2026-11-25T00:00:00Z\","
                + "\"attributes\":{\"currency\":\"dollars\"}}", "purchase_sword schema");
    }

    @Test
    void typesWithoutASchemaPassOnTheEnvelopeUnlessRequired() {
        String joinGuild = "{\"event_type\":\"join_guild\",\"event_id\":\"1\",\"event_ts\":\"2026-11-25T00:00:00Z\"}";
        assertThat(processor.apply(raw(joinGuild)).getHeaders()).doesNotContainKey(EventProcessor.SEND_TO);
        EventProcessor strict = new EventProcessor(mapper, new EventValidator("io/steelthread/schema", true),
                new EventEnricher(UA), "events.dlq");
        assertThat(strict.apply(raw(joinGuild)).getHeaders().get(EventProcessor.DLQ_REASON).toString())
                .contains("no schema for event type 'join_guild'");
    }

    private void assertDeadLetter(String payload, String reason) {
        Message<byte[]> out = processor.apply(raw(payload));
        assertThat(out.getHeaders().get(EventProcessor.SEND_TO)).as(payload).isEqualTo("events.dlq");
        assertThat(out.getHeaders().get(EventProcessor.DLQ_REASON).toString()).as(payload).contains(reason);
        assertThat(out.getHeaders().get(EventProcessor.DLQ_SOURCE_OFFSET)).isEqualTo("7");
        assertThat(out.getPayload()).isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
    }

    private static Message<byte[]> raw(String payload) {
        return MessageBuilder.withPayload(payload.getBytes(StandardCharsets.UTF_8))
                .setHeader(KafkaHeaders.RECEIVED_KEY, "user1.comcast.com".getBytes(StandardCharsets.UTF_8))
                .setHeader(KafkaHeaders.RECEIVED_TOPIC, "events.raw")
                .setHeader(KafkaHeaders.RECEIVED_PARTITION, 0)
                .setHeader(KafkaHeaders.OFFSET, 7L)
                .build();
    }
}
