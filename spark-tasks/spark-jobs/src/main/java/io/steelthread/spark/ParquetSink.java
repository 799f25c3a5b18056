package io.steelthread.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * The streaming Parquet sink of the extract and stream jobs: partitioned like the batch output, exactly once
 * through the checkpoint (offsets) and the sink's own commit log.
 */
final class ParquetSink {

    private ParquetSink() {
    }

    static DataStreamWriter<Row> start(DataStreamWriter<Row> writer, String tablePath, String checkpoint) {
        return writer.format("parquet").option("path", tablePath).option("checkpointLocation", checkpoint)
                .partitionBy(GameEventTransform.PARTITION_COLUMNS.toArray(String[]::new)).outputMode("append");
    }

    /** Rows the sink reported written over the query's recent batches (the file sink reports them per batch). */
    static long rowsWritten(StreamingQuery query) {
        long rows = 0;
        for (StreamingQueryProgress p : query.recentProgress()) {
            long out = p.sink().numOutputRows();
            rows += out >= 0 ? out : 0;
        }
        return rows;
    }
}
