package io.steelthread.processor.event;

import java.io.IOException;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * The processor's function: a raw event in; out either the validated, enriched event (to the output binding,
 * {@code events}) or the original bytes with the reason, routed to the dead-letter topic. It never throws for
 * bad input, so a poison event cannot stall the partition, and it never drops one.
 */
public class EventProcessor implements Function<Message<byte[]>, Message<byte[]>> {

    /** Spring Cloud Stream's per-message destination override. */
    public static final String SEND_TO = "spring.cloud.stream.sendto.destination";
    public static final String DLQ_REASON = "dlq_reason";
    public static final String DLQ_SOURCE_TOPIC = "dlq_source_topic";
    public static final String DLQ_SOURCE_PARTITION = "dlq_source_partition";
    public static final String DLQ_SOURCE_OFFSET = "dlq_source_offset";
    /** Not written to the record: the event's type (forwarded) or the broken rule's kind (dead-lettered), for metrics. */
    public static final String EVENT_TYPE = "steelthread_event_type";
    public static final String DLQ_KIND = "steelthread_dlq_kind";

    private final ObjectMapper mapper;
    private final EventValidator validator;
    private final EventEnricher enricher;
    private final String dlqTopic;

    public EventProcessor(ObjectMapper mapper, EventValidator validator, EventEnricher enricher, String dlqTopic) {
        this.mapper = mapper;
        this.validator = validator;
        this.enricher = enricher;
        this.dlqTopic = dlqTopic;
    }

    @Override
    public Message<byte[]> apply(Message<byte[]> raw) {
        try {
            ObjectNode event = parse(raw.getPayload());
            validator.validate(event);
            byte[] enriched = mapper.writeValueAsBytes(enricher.enrich(event));
            return MessageBuilder.withPayload(enriched)
                    .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON_VALUE)
                    .setHeader(KafkaHeaders.KEY, raw.getHeaders().get(KafkaHeaders.RECEIVED_KEY))
                    .setHeader(EVENT_TYPE, event.path("event_type").asText())
                    .build();
        }
        catch (RejectedEventException e) {
            return deadLetter(raw, e.kind(), e.getMessage());
        }
        catch (IOException e) {
            return deadLetter(raw, "unwritable", e.getMessage());
        }
    }

    private ObjectNode parse(byte[] payload) {
        JsonNode node;
        try {
            node = mapper.readTree(payload);
        }
        catch (IOException e) {
            throw new RejectedEventException(RejectedEventException.MALFORMED_JSON, "malformed JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            throw new RejectedEventException(RejectedEventException.NOT_AN_OBJECT, "an event must be a JSON object, not "
                    + (node == null ? "empty" : node.getNodeType().toString().toLowerCase()));
        }
        return (ObjectNode) node;
    }

    private Message<byte[]> deadLetter(Message<byte[]> raw, String kind, String reason) {
        MessageHeaders in = raw.getHeaders();
        return MessageBuilder.withPayload(raw.getPayload())
                .setHeader(SEND_TO, dlqTopic)
                .setHeader(KafkaHeaders.KEY, in.get(KafkaHeaders.RECEIVED_KEY))
                .setHeader(DLQ_REASON, reason)
                .setHeader(DLQ_KIND, kind)
                .setHeader(DLQ_SOURCE_TOPIC, String.valueOf(in.get(KafkaHeaders.RECEIVED_TOPIC)))
                .setHeader(DLQ_SOURCE_PARTITION, String.valueOf(in.get(KafkaHeaders.RECEIVED_PARTITION)))
                .setHeader(DLQ_SOURCE_OFFSET, String.valueOf(in.get(KafkaHeaders.OFFSET)))
                .build();
    }
}
