package io.steelthread.spark;

import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * Prints each micro-batch's progress (Spark's own JSON) as one line, {@value #PREFIX} first, on the driver's
 * output: the task that launched the driver reads the line and turns it into metrics (input and processed
 * rows/s, batch duration, rows, offsets behind the topic's end), so Prometheus gets them without the Spark UI or a
 * metrics sink reachable from the cluster. Spark also posts a progress while idle (every
 * {@code spark.sql.streaming.noDataProgressEventInterval}), which shows the query is alive.
 */
final class ProgressReporter extends StreamingQueryListener {

    static final String PREFIX = "STEELTHREAD_PROGRESS ";

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        // One println call: a line cannot interleave with another thread's output.
        System.out.println(PREFIX + event.progress().json());
        org.apache.spark.sql.Row observed = event.progress().observedMetrics().get(GameEventTransform.OBSERVED);
        Object dropped = observed == null ? null : observed.getAs(GameEventTransform.UNPARTITIONABLE);
        if (dropped instanceof Number n && n.longValue() > 0) {
            System.out.println("WARNING StreamEventsJob batch " + event.progress().batchId() + " dropped " + n
                    + " events of the wanted types that had no event_date/event_hour (not written to any partition)");
        }
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }
}
