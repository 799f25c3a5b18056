package io.steelthread.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class CompactPartitionTest {

    @Test
    void previousHourIsTheUtcHourBeforeNowsAcrossMidnight() {
        PipelineProperties.Compact compact = new PipelineProperties.Compact();
        compact.setPartition("previous-hour");
        assertThat(compact.resolvedPartition(Instant.parse("2026-11-25T13:05:00Z")))
                .isEqualTo("event_date=2026-11-25/event_hour=12");
        assertThat(compact.resolvedPartition(Instant.parse("2026-11-26T00:05:00Z")))
                .isEqualTo("event_date=2026-11-25/event_hour=23");
        assertThat(compact.resolvedPartition(Instant.parse("2026-11-25T10:05:00Z")))
                .isEqualTo("event_date=2026-11-25/event_hour=9");
    }

    @Test
    void aNamedPartitionIsKept() {
        PipelineProperties.Compact compact = new PipelineProperties.Compact();
        compact.setPartition("event_date=2026-11-25/event_hour=7");
        assertThat(compact.resolvedPartition(Instant.now())).isEqualTo("event_date=2026-11-25/event_hour=7");
    }
}
