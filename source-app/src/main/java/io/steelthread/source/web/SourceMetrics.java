package io.steelthread.source.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Events the API handed to Kafka and Kafka acknowledged, per event type, and what it refused, per reason: the
 * ingestion figures an on-call engineer reads first. Counters are cached per label value (a registry lookup per
 * event showed in profiles of the batch route).
 */
@Component
public class SourceMetrics {

    static final String ACCEPTED = "steelthread.source.events";
    static final String REJECTED = "steelthread.source.rejected";

    private final MeterRegistry registry;
    private final Map<String, Counter> accepted = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

    public SourceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** An event Kafka acknowledged. */
    void accepted(String eventType) {
        accepted.computeIfAbsent(eventType, t -> Counter.builder(ACCEPTED)
                .description("Events acknowledged by Kafka, by type").tag("event_type", t).register(registry))
                .increment();
    }

    /** A request (or a batch's item) refused with this status: the client's fault (4xx) or Kafka's (503). */
    void rejected(HttpStatus status) {
        String reason = switch (status) {
            case PAYLOAD_TOO_LARGE -> "payload_too_large";
            case SERVICE_UNAVAILABLE -> "kafka_unavailable";
            default -> status.is4xxClientError() ? "bad_request" : "server_error";
        };
        rejected.computeIfAbsent(reason, r -> Counter.builder(REJECTED)
                .description("Requests or batch items the API refused, by reason").tag("reason", r).register(registry))
                .increment();
    }
}
