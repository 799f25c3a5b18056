package io.steelthread.source.web;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The outcomes of one batch's events as they arrive (on the producer's thread), complete when the last one is in:
 * one counter per batch rather than a future per event (completing chained futures per event was a quarter of a
 * batch's CPU in profiling).
 */
final class BatchAcks {

    private final AtomicReferenceArray<BatchResult.Item> items;
    private final AtomicInteger pending;
    private final CompletableFuture<Void> all = new CompletableFuture<>();

    BatchAcks(int size) {
        items = new AtomicReferenceArray<>(size);
        pending = new AtomicInteger(size);
        if (size == 0) {
            all.complete(null);
        }
    }

    void set(BatchResult.Item item) {
        if (items.compareAndSet(item.index(), null, item) && pending.decrementAndGet() == 0) {
            all.complete(null);
        }
    }

    CompletableFuture<Void> all() {
        return all;
    }

    /** @param missing why an event without an outcome yet failed (the request stopped waiting) */
    BatchResult result(String missing) {
        BatchResult.Item[] result = new BatchResult.Item[items.length()];
        for (int i = 0; i < result.length; i++) {
            BatchResult.Item item = items.get(i);
            result[i] = item != null ? item : new BatchResult.Item(i, BatchResult.Status.FAILED, null, null, missing);
        }
        return BatchResult.of(Arrays.asList(result));
    }
}
