package io.steelthread.source.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchAcksTest {

    @Test
    void completesWhenTheLastOutcomeArrivesInAnyOrder() {
        BatchAcks acks = new BatchAcks(3);
        acks.set(item(2, BatchResult.Status.ACCEPTED));
        acks.set(item(0, BatchResult.Status.REJECTED));
        assertThat(acks.all()).isNotDone();
        acks.set(item(1, BatchResult.Status.FAILED));
        assertThat(acks.all()).isCompleted();
        BatchResult result = acks.result("late");
        assertThat(result.events()).extracting(BatchResult.Item::index).containsExactly(0, 1, 2);
        assertThat(result.accepted()).isEqualTo(1);
        assertThat(result.rejected()).isEqualTo(1);
        assertThat(result.failed()).isEqualTo(1);
    }

    @Test
    void anEventWithoutOutcomeWhenTheRequestStopsWaitingIsFailedWithTheReason() {
        BatchAcks acks = new BatchAcks(2);
        acks.set(item(0, BatchResult.Status.ACCEPTED));
        acks.set(item(0, BatchResult.Status.FAILED));
        assertThat(acks.all()).isNotDone();
        BatchResult result = acks.result("no acknowledgement within the ack timeout");
        assertThat(result.events().get(0).status()).isEqualTo(BatchResult.Status.ACCEPTED);
        assertThat(result.events().get(1).status()).isEqualTo(BatchResult.Status.FAILED);
        assertThat(result.events().get(1).reason()).isEqualTo("no acknowledgement within the ack timeout");
        assertThat(result.httpStatus()).isEqualTo(207);
    }

    private static BatchResult.Item item(int index, BatchResult.Status status) {
        return new BatchResult.Item(index, status, "id-" + index, "t", null);
    }
}
