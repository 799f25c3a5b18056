package io.steelthread.pipeline.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class TaskMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TaskMetrics metrics = new TaskMetrics(registry);

    /** A progress line as Spark 3.5's StreamingQueryProgress.json() writes it for a Kafka source (trimmed). */
    static final String PROGRESS = """
            {"id":"48c85e27-284c-4d4e-ac8e-33d98fbf43c8","runId":"0f3a","name":null,"timestamp":"2026-11-26T00:10:00.000Z",
             "batchId":3,"numInputRows":120,"inputRowsPerSecond":12.5,"processedRowsPerSecond":80.0,
             "durationMs":{"addBatch":900,"triggerExecution":1500},
             "sources":[{"description":"KafkaV2[Subscribe[events]]","numInputRows":120,
               "metrics":{"avgOffsetsBehindLatest":"10.0","maxOffsetsBehindLatest":"42","minOffsetsBehindLatest":"0"}}],
             "sink":{"description":"ForeachBatchSink","numOutputRows":-1}}
            """;

    @Test
    void aProgressLineBecomesTheStreamGaugesLabelledWithTheTable() throws Exception {
        metrics.streamProgress("sword_purchases", new ObjectMapper().readTree(PROGRESS));
        assertThat(gauge("steelthread.stream.batch.rows")).isEqualTo(120);
        assertThat(gauge("steelthread.stream.input.rows.per.second")).isEqualTo(12.5);
        assertThat(gauge("steelthread.stream.processed.rows.per.second")).isEqualTo(80);
        assertThat(gauge("steelthread.stream.batch.duration.seconds")).isEqualTo(1.5);
        assertThat(gauge("steelthread.stream.offsets.behind.latest")).isEqualTo(42);
        assertThat(registry.get("steelthread.stream.batches").tag("query", "sword_purchases").counter().count())
                .isEqualTo(1);
    }

    @Test
    void eventsTheBatchDroppedForLackOfAPartitionAreCounted() throws Exception {
        String progress = PROGRESS.replace("\"sink\":", "\"observedMetrics\":{\"steelthread_transform\":{\"unpartitionable\":3}},\"sink\":");
        metrics.streamProgress("sword_purchases", new ObjectMapper().readTree(progress));
        metrics.streamProgress("sword_purchases", new ObjectMapper().readTree(progress));
        assertThat(registry.get("steelthread.stream.rows.unpartitionable").tag("query", "sword_purchases").counter()
                .count()).isEqualTo(6);
    }

    @Test
    void anIdleProgressCountsNoBatchButShowsTheQueryAlive() throws Exception {
        metrics.streamProgress("sword_purchases", new ObjectMapper().readTree(
                "{\"numInputRows\":0,\"durationMs\":{\"triggerExecution\":3},\"sources\":[]}"));
        assertThat(registry.find("steelthread.stream.batches").counter()).isNull();
        assertThat(gauge("steelthread.stream.last.progress.timestamp.seconds")).isPositive();
    }

    @Test
    void aFailedRunKeepsTheTimeOfTheLastSuccess() {
        metrics.runEnded(true, 1_000_000);
        metrics.runEnded(false, 2_000_000);
        assertThat(gauge("steelthread.task.last.run.success")).isZero();
        assertThat(gauge("steelthread.task.last.run.timestamp.seconds")).isEqualTo(2000);
        assertThat(gauge("steelthread.task.last.success.timestamp.seconds")).isEqualTo(1000);
    }

    @Test
    void aValidationRecordsItsVerdictAndBothCounts() {
        metrics.validation("purchases", false, 20, 999L);
        assertThat(registry.get("steelthread.validation.passed").tag("table", "purchases").gauge().value()).isZero();
        assertThat(registry.get("steelthread.validation.rows").tag("source", "presto").gauge().value()).isEqualTo(20);
        assertThat(registry.get("steelthread.validation.rows").tag("source", "spark").gauge().value()).isEqualTo(999);
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
