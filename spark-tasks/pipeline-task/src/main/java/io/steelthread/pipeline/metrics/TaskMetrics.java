package io.steelthread.pipeline.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What one run of the task did, as gauges holding the run's last value: rows written per table, the Spark
 * application's duration and final state, the validation's verdict and both counts, the DDL's duration, whether
 * the run succeeded; and, for a streaming application, its progress per micro-batch. A task exits, so these reach
 * Prometheus through the Pushgateway (Spring Boot pushes on shutdown and, for the long-running streaming task,
 * every push-rate); the group is the task's name, so each task's latest run replaces its previous one.
 */
public class TaskMetrics {

    private final MeterRegistry registry;
    private final Map<String, Value> gauges = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public TaskMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** For tasklets built outside a Spring context (tests): metrics go nowhere. */
    public static TaskMetrics none() {
        return new TaskMetrics(new SimpleMeterRegistry());
    }

    public void rowsWritten(String table, long rows) {
        set("steelthread.task.rows.written", "Rows the Spark application of the last run wrote", rows, "table", table);
    }

    public void rowsUnpartitionable(String table, long rows) {
        set("steelthread.task.rows.unpartitionable", "Events of the last run dropped for lack of event_date/event_hour",
                rows, "table", table);
    }

    public void sparkApplication(String application, String state, Duration took) {
        set("steelthread.spark.application.seconds", "Wall time of the last run's Spark application, by final state",
                took.toMillis() / 1000.0, "application", application, "state", state);
    }

    public void validation(String table, boolean passed, long prestoRows, Long sparkRows) {
        set("steelthread.validation.passed", "1 if the last validation of the table passed, 0 if it failed",
                passed ? 1 : 0, "table", table);
        set("steelthread.validation.rows", "Rows the last validation counted in Presto and expected from Spark",
                prestoRows, "table", table, "source", "presto");
        if (sparkRows != null) {
            set("steelthread.validation.rows", "Rows the last validation counted in Presto and expected from Spark",
                    sparkRows, "table", table, "source", "spark");
        }
    }

    public void ddl(Duration took) {
        set("steelthread.ddl.seconds", "Wall time of the last run's Hive DDL and partition repair",
                took.toMillis() / 1000.0);
    }

    /** The run's end: its outcome and time; the time of the last success stays from an earlier run on failure. */
    public void runEnded(boolean success, long epochMillis) {
        set("steelthread.task.last.run.success", "1 if the task's last run succeeded, 0 if it failed",
                success ? 1 : 0);
        set("steelthread.task.last.run.timestamp.seconds", "When the task's last run ended", epochMillis / 1000.0);
        if (success) {
            set("steelthread.task.last.success.timestamp.seconds", "When the task last succeeded",
                    epochMillis / 1000.0);
        }
    }

    /**
     * One StreamingQueryProgress, as Spark's {@code json()} writes it. The query label is the table the query
     * writes: Spark's query id changes with every checkpoint and would start a new series each time.
     */
    public void streamProgress(String query, JsonNode progress) {
        set("steelthread.stream.input.rows.per.second", "Rows/s arriving at the query (last micro-batch)",
                progress.path("inputRowsPerSecond").asDouble(0), "query", query);
        set("steelthread.stream.processed.rows.per.second", "Rows/s the query processed (last micro-batch)",
                progress.path("processedRowsPerSecond").asDouble(0), "query", query);
        set("steelthread.stream.batch.duration.seconds", "Wall time of the last micro-batch",
                progress.path("durationMs").path("triggerExecution").asDouble(0) / 1000.0, "query", query);
        set("steelthread.stream.batch.rows", "Rows in the last micro-batch", progress.path("numInputRows").asDouble(0),
                "query", query);
        double behind = 0;
        for (JsonNode source : progress.path("sources")) {
            // Spark's Kafka source reports how far its end offsets trail the topic's latest (Spark 3.2+).
            behind += source.path("metrics").path("maxOffsetsBehindLatest").asDouble(0);
        }
        set("steelthread.stream.offsets.behind.latest", "Offsets the query's last batch ended behind the topic's end",
                behind, "query", query);
        set("steelthread.stream.last.progress.timestamp.seconds", "When the query last reported progress",
                System.currentTimeMillis() / 1000.0, "query", query);
        long dropped = progress.path("observedMetrics").path("steelthread_transform").path("unpartitionable").asLong(0);
        if (dropped > 0) {
            counters.computeIfAbsent(query + "/unpartitionable", q -> Counter.builder("steelthread.stream.rows.unpartitionable")
                    .description("Events dropped for lack of event_date/event_hour").tag("query", query)
                    .register(registry)).increment(dropped);
        }
        if (progress.path("numInputRows").asLong(0) > 0) {
            counters.computeIfAbsent(query, q -> Counter.builder("steelthread.stream.batches")
                    .description("Micro-batches that carried rows").tag("query", q).register(registry)).increment();
        }
    }

    private void set(String name, String description, double value, String... tags) {
        String key = name + Tags.of(tags);
        gauges.computeIfAbsent(key, k -> {
            Value holder = new Value();
            Gauge.builder(name, holder, v -> v.value).description(description).tags(tags).register(registry);
            return holder;
        }).value = value;
    }

    private static final class Value {
        volatile double value;
    }
}
