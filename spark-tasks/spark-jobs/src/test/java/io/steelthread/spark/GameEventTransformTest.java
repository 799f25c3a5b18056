package io.steelthread.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared transformation on rows shaped like Spark's Kafka source, in local mode. */
class GameEventTransformTest {

    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = JobSessions.builder("transform-test").master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void keepsTheWantedTypesParsedWithTheSharedSchemaAndTheirKafkaCoordinates() {
        Dataset<Row> kafka = kafkaRows(
                "{\"event_type\":\"purchase_sword\",\"event_id\":\"1\",\"event_ts\":\"2026-11-25T10:00:00.123Z\","
                        + "\"Host\":\"user1.comcast.com\",\"User-Agent\":\"ApacheBench/2.3\",\"Accept\":\"*/*\","
                        + "\"attributes\":{\"sword_type\":\"katana\",\"price\":12.5},\"event_date\":\"2026-11-25\",\"event_hour\":10}",
                "{\"event_type\":\"default\",\"event_id\":\"2\",\"event_ts\":\"2026-11-25T10:00:01Z\",\"event_date\":\"2026-11-25\",\"event_hour\":10}",
                "not json at all");
        List<Row> rows = GameEventTransform.events(kafka, EventSchema.enrichedEvent(), List.of("purchase_sword"))
                .collectAsList();
        assertThat(rows).hasSize(1);
        Row r = rows.get(0);
        assertThat(r.<String>getAs("event_id")).isEqualTo("1");
        assertThat(r.<String>getAs("Host")).isEqualTo("user1.comcast.com");
        assertThat(r.<String>getAs("User-Agent")).isEqualTo("ApacheBench/2.3");
        assertThat(r.<Timestamp>getAs("event_ts").toInstant()).hasToString("2026-11-25T10:00:00.123Z");
        assertThat(r.<scala.collection.Map<String, String>>getAs("attributes").get("price").get()).isEqualTo("12.5");
        assertThat(r.<String>getAs("raw_event")).contains("katana");
        assertThat(r.<Long>getAs("kafka_offset")).isEqualTo(0L);
        assertThat(r.<String>getAs("timestamp")).startsWith("2026-11-25");
        String[] columns = r.schema().fieldNames();
        assertThat(columns[columns.length - 2]).isEqualTo("event_date");
        assertThat(columns[columns.length - 1]).isEqualTo("event_hour");
    }

    /** Finding 7 of the table-operations issue: events dropped for lack of a partition are counted, not silent. */
    @Test
    void eventsWithoutAPartitionAreDroppedAndCounted() throws InterruptedException {
        Dataset<Row> kafka = kafkaRows(
                "{\"event_type\":\"purchase_sword\",\"event_id\":\"1\",\"event_ts\":\"2026-11-25T10:00:00Z\",\"event_date\":\"2026-11-25\",\"event_hour\":10}",
                "{\"event_type\":\"purchase_sword\",\"event_id\":\"2\",\"event_ts\":\"2026-11-25T10:00:00Z\"}",
                "{\"event_type\":\"purchase_sword\",\"event_id\":\"3\",\"event_date\":\"2026-11-25\"}",
                "{\"event_type\":\"default\",\"event_id\":\"4\"}");
        org.apache.spark.sql.Observation observed = new org.apache.spark.sql.Observation("test");
        List<Row> rows = GameEventTransform.events(kafka, EventSchema.enrichedEvent(), List.of("purchase_sword"), observed)
                .collectAsList();
        assertThat(rows).extracting(r -> r.<String>getAs("event_id")).containsExactly("1");
        // Of the wanted type only: the default event without a partition was not wanted anyway.
        assertThat(observed.getAsJava().get(GameEventTransform.UNPARTITIONABLE)).isEqualTo(2L);
    }

    @Test
    void emptyTypeListKeepsEveryParseableEvent() {
        Dataset<Row> kafka = kafkaRows(
                "{\"event_type\":\"a\",\"event_id\":\"1\",\"event_ts\":\"2026-11-25T10:00:00Z\",\"event_date\":\"2026-11-25\",\"event_hour\":10}",
                "{\"event_type\":\"b\",\"event_id\":\"2\",\"event_ts\":\"2026-11-25T10:00:00Z\",\"event_date\":\"2026-11-25\",\"event_hour\":10}",
                "{broken");
        assertThat(GameEventTransform.events(kafka, EventSchema.enrichedEvent(), List.of()).count()).isEqualTo(2);
    }

    @Test
    void eventTimesParseWithOrWithoutFractionAndInAnyOffset() {
        Dataset<Row> kafka = kafkaRows(event("1", "2026-11-25T10:00:00Z"), event("2", "2026-11-25T10:00:00.5Z"),
                event("3", "2026-11-25T11:00:00.123456+01:00"), event("4", "yesterday"));
        Map<String, String> times = new java.util.TreeMap<>();
        GameEventTransform.events(kafka, EventSchema.enrichedEvent(), List.of()).collectAsList().forEach(r -> times.put(
                r.getAs("event_id"), r.getAs("event_ts") == null ? "null" : r.<Timestamp>getAs("event_ts").toInstant().toString()));
        assertThat(times).containsExactly(Map.entry("1", "2026-11-25T10:00:00Z"), Map.entry("2", "2026-11-25T10:00:00.500Z"),
                Map.entry("3", "2026-11-25T10:00:00.123456Z"), Map.entry("4", "null"));
    }

    @Test
    void eachRecordIsParsedOnceHoweverManyFiltersUseItsFields() {
        // Values computed from range(): over a local relation or a literal the optimizer evaluates it all up front.
        String[] around = event("ID", "2026-11-25T10:00:00Z").split("ID");
        Dataset<Row> kafka = spark.range(1).select(org.apache.spark.sql.functions.concat(
                org.apache.spark.sql.functions.lit(around[0]), col("id").cast("string"),
                org.apache.spark.sql.functions.lit(around[1])).cast("binary").as("value"),
                org.apache.spark.sql.functions.current_timestamp().as("timestamp"),
                org.apache.spark.sql.functions.lit(0).as("partition"), col("id").as("offset"));
        Dataset<Row> events = GameEventTransform.events(kafka, EventSchema.enrichedEvent(), List.of("purchase_sword"));
        assertThat(events.count()).isEqualTo(1);
        String plan = events.queryExecution().executedPlan().toString();
        assertThat(plan.split("from_json", -1)).as(plan).hasSize(2);
    }

    private static String event(String id, String ts) {
        return "{\"event_type\":\"purchase_sword\",\"event_id\":\"" + id + "\",\"event_ts\":\"" + ts
                + "\",\"event_date\":\"2026-11-25\",\"event_hour\":10}";
    }

    @Test
    void theSparkSchemaComesFromTheSharedJsonSchema() {
        StructType schema = EventSchema.enrichedEvent();
        assertThat(schema.fieldNames()).contains("event_id", "event_type", "Host", "User-Agent", "player", "isp");
        assertThat(schema.apply("event_ts").dataType()).isEqualTo(DataTypes.TimestampType);
        assertThat(schema.apply("event_hour").dataType()).isEqualTo(DataTypes.IntegerType);
    }

    /**
     * A cluster whose defaults set another session time zone (here New York) still gets UTC values in the
     * {@code timestamp} column: the jobs' sessions set the zone themselves.
     */
    @Test
    void theKafkaTimestampIsWrittenInUtcWhateverTheClustersTimeZone() {
        spark.conf().set("spark.sql.session.timeZone", "America/New_York");
        try {
            SparkSession job = JobSessions.builder("transform-test").getOrCreate();
            StructType kafkaSchema = new StructType().add("value", DataTypes.BinaryType)
                    .add("timestamp", DataTypes.TimestampType).add("partition", DataTypes.IntegerType)
                    .add("offset", DataTypes.LongType);
            Dataset<Row> kafka = job.createDataFrame(List.of(RowFactory.create(("{\"event_type\":\"purchase_sword\","
                    + "\"event_id\":\"tz\",\"event_ts\":\"2026-11-25T23:30:00Z\",\"event_date\":\"2026-11-25\","
                    + "\"event_hour\":23}").getBytes(StandardCharsets.UTF_8),
                    Timestamp.from(java.time.Instant.parse("2026-11-25T23:30:00Z")), 0, 0L)), kafkaSchema);
            Row row = GameEventTransform.events(kafka, EventSchema.enrichedEvent(), List.of("purchase_sword")).first();
            assertThat(row.<String>getAs("timestamp")).isEqualTo("2026-11-25 23:30:00");
        }
        finally {
            spark.conf().set("spark.sql.session.timeZone", JobSessions.TIME_ZONE);
        }
    }

    private static Dataset<Row> kafkaRows(String... values) {
        StructType kafkaSchema = new StructType().add("value", DataTypes.BinaryType).add("timestamp", DataTypes.TimestampType)
                .add("partition", DataTypes.IntegerType).add("offset", DataTypes.LongType);
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            rows.add(RowFactory.create(values[i].getBytes(StandardCharsets.UTF_8),
                    Timestamp.valueOf("2026-11-25 10:00:02"), 0, (long) i));
        }
        return spark.createDataFrame(rows, kafkaSchema);
    }
}
