package io.steelthread.source.web;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to a batch: per event whether Kafka acknowledged it ({@code accepted}), it was invalid
 * ({@code rejected}: do not resend as is) or Kafka did not take it ({@code failed}: resend later).
 */
record BatchResult(int accepted, int rejected, int failed, List<Item> events) {

    static BatchResult of(List<Item> items) {
        int accepted = 0;
        int rejected = 0;
        int failed = 0;
        for (Item item : items) {
            switch (item.status()) {
                case ACCEPTED -> accepted++;
                case REJECTED -> rejected++;
                case FAILED -> failed++;
            }
        }
        return new BatchResult(accepted, rejected, failed, items);
    }

    /** 200 when all were acknowledged, 400 when all were invalid, 503 when Kafka took none, else 207. */
    int httpStatus() {
        if (accepted == events.size()) {
            return 200;
        }
        if (rejected == events.size()) {
            return 400;
        }
        if (accepted == 0 && failed > 0) {
            return 503;
        }
        return 207;
    }

    enum Status {
        ACCEPTED, REJECTED, FAILED;

        @com.fasterxml.jackson.annotation.JsonValue
        String json() {
            return name().toLowerCase();
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Item(int index, Status status, String eventId, String eventType, String reason) {
    }
}
