package io.steelthread.spark;

import java.util.List;

import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;

/** How every job lays out the events table's Parquet files, so a compacted partition looks like a written one. */
final class EventTableLayout {

    /** Unique per event: a dictionary never pays off, and trying costs a hash of every value until parquet gives up. */
    private static final List<String> UNIQUE_COLUMNS = List.of("event_id", "raw_event");

    private EventTableLayout() {
    }

    /** A partitioned write of a whole table or micro-batch. */
    static DataFrameWriter<Row> partitioned(DataFrameWriter<Row> writer) {
        return files(writer).partitionBy(GameEventTransform.PARTITION_COLUMNS.toArray(String[]::new));
    }

    /** A write of the files of one partition. */
    static DataFrameWriter<Row> files(DataFrameWriter<Row> writer) {
        for (String column : UNIQUE_COLUMNS) {
            writer = writer.option("parquet.enable.dictionary#" + column, "false");
        }
        return writer;
    }
}
