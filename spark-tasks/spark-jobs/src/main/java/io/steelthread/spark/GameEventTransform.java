package io.steelthread.spark;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.inline;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The one transformation of the batch and the streaming jobs: Kafka records of the {@code events} topic in, one
 * row per event of the wanted types out, parsed with the explicit schema (no UDF, no RDD round trip), keeping the
 * raw event and the record's timestamp, partition and offset. {@code timestamp} is the Kafka timestamp as a
 * string, as the seed's {@code purchases} table had it.
 */
public final class GameEventTransform {

    public static final List<String> PARTITION_COLUMNS = List.of("event_date", "event_hour");

    /**
     * The observed metrics (Spark's {@code Dataset.observe}, computed in the same pass as the write): how many
     * events of the wanted types had no event_date or event_hour and so could not be written to a partition. A
     * streaming query reports them in each progress under this name; a batch job reads its {@link Observation}.
     */
    public static final String OBSERVED = "steelthread_transform";
    public static final String UNPARTITIONABLE = "unpartitionable";

    /**
     * ISO-8601 as the source writes event_ts (fraction optional: ISO_INSTANT omits a zero one). Spark's default
     * timestamp parsing resolves the zone suffix with two regular expressions per value, which was a fifth of the
     * JSON parsing time (JFR); a pattern parses through java.time instead.
     */
    static final Map<String, String> JSON_OPTIONS = Map.of("timestampFormat", "yyyy-MM-dd'T'HH:mm:ss[.SSSSSSSSS]XXX");

    private GameEventTransform() {
    }

    /**
     * @param kafka      rows of Spark's Kafka source (value, timestamp, partition, offset, …), batch or streaming
     * @param eventTypes the types to keep; empty keeps every type
     */
    public static Dataset<Row> events(Dataset<Row> kafka, StructType schema, List<String> eventTypes) {
        return events(kafka, schema, eventTypes, null);
    }

    /**
     * @param observation where a batch job reads the count of events dropped for lack of a partition; null: the
     *                    count is observed under {@value #OBSERVED} (a streaming query's progress)
     */
    public static Dataset<Row> events(Dataset<Row> kafka, StructType schema, List<String> eventTypes,
            Observation observation) {
        Column raw = col("value").cast("string");
        // inline(array(struct)) rather than select("event.*"): the optimizer pushes a filter through a projection by
        // copying the projected expression into it, so each filter on an event field parsed the JSON once more (three
        // parses per record, measured with explain); a filter on a generator's output stays above the generator.
        Dataset<Row> flat = kafka.select(
                inline(array(from_json(raw, schema, JSON_OPTIONS))),
                col("timestamp").cast("string").as("timestamp"),
                raw.as("raw_event"),
                col("partition").as("kafka_partition"),
                col("offset").as("kafka_offset"));
        Dataset<Row> wanted = eventTypes.isEmpty() ? flat : flat.filter(col("event_type").isin(eventTypes.toArray()));
        // Partition columns last, where a partitioned Hive table has them; unparseable rows cannot be partitioned.
        Column partitionable = col("event_date").isNotNull().and(col("event_hour").isNotNull());
        Column dropped = sum(when(partitionable, lit(0L)).otherwise(lit(1L))).as(UNPARTITIONABLE);
        Dataset<Row> observed = observation == null ? wanted.observe(OBSERVED, dropped) : wanted.observe(observation, dropped);
        return observed.filter(partitionable).select(columnsPartitionLast(wanted.columns()));
    }

    private static Column[] columnsPartitionLast(String[] columns) {
        List<Column> data = new java.util.ArrayList<>();
        for (String c : columns) {
            if (!PARTITION_COLUMNS.contains(c)) {
                data.add(col("`" + c + "`"));
            }
        }
        PARTITION_COLUMNS.forEach(p -> data.add(col(p)));
        return data.toArray(Column[]::new);
    }
}
