package io.steelthread.processor.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the processor did, per event type and per dead-letter kind. Counted when a result is handed to the poll's
 * transaction: a poll that aborts and is redelivered counts twice (the counters measure work done, the topics
 * hold each event once). Meters are cached per label value: a registry lookup per event showed in profiles.
 */
public class ProcessorMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> forwarded = new ConcurrentHashMap<>();
    private final Map<String, Counter> deadLettered = new ConcurrentHashMap<>();
    private final Map<String, Counter> reasons = new ConcurrentHashMap<>();
    private final Timer batches;

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batches = Timer.builder("steelthread.processor.batch")
                .description("One poll of raw events processed and handed to its transaction")
                .publishPercentileHistogram().register(registry);
    }

    public void forwarded(String eventType) {
        forwarded.computeIfAbsent(eventType, t -> events(t, "forwarded")).increment();
    }

    public void deadLettered(String eventType, String kind) {
        deadLettered.computeIfAbsent(eventType, t -> events(t, "dead_lettered")).increment();
        reasons.computeIfAbsent(kind, k -> Counter.builder("steelthread.processor.dead.letters")
                .description("Events sent to the dead-letter topic, by the rule they broke")
                .tag("reason", k).register(registry)).increment();
    }

    public void batch(long startNanos) {
        batches.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private Counter events(String eventType, String outcome) {
        return Counter.builder("steelthread.processor.events")
                .description("Events the processor handled, by type and outcome")
                .tag("event_type", eventType).tag("outcome", outcome).register(registry);
    }
}
