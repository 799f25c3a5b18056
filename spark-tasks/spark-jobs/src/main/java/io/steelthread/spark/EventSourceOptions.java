package io.steelthread.spark;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import picocli.CommandLine.Option;

/** Where the jobs read events and what they keep: the options every job shares. */
public class EventSourceOptions {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "events", description = "Topic of validated events (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--event-types", split = ",", defaultValue = "purchase_sword",
            description = "Event types to keep, comma separated; 'all' keeps every type (default: ${DEFAULT-VALUE}).")
    List<String> eventTypes = new ArrayList<>();

    /**
     * Offsets a checkpoint expects that the topic's retention already deleted: by default the query goes on and
     * Spark logs a warning naming the lost range (the events are gone either way); set, the query fails instead.
     */
    @Option(names = "--fail-on-data-loss", description = "Fail when offsets to read were deleted by retention "
            + "(default: warn in the log and go on).")
    boolean failOnDataLoss;

    @Option(names = "--table-path", required = true, description = "Table directory (file://, hdfs://, s3a://).")
    String tablePath;

    @Option(names = "--min-partitions", description = "Spark partitions to split the topic's offset ranges into, at least"
            + " (default: batch 4 per core, so no core idles while the last big partition finishes; stream one per Kafka"
            + " partition).")
    Integer minPartitions;

    /**
     * A batch read drains whole partitions: polls of 10,000 records instead of the consumer's 500 read the same
     * topic 10-15 % faster through Spark's Kafka source (bench/SparkKafkaRead.java).
     */
    private static final int BATCH_POLL_RECORDS = 10_000;

    List<String> eventTypes() {
        return eventTypes.size() == 1 && eventTypes.get(0).equals("all") ? List.of() : eventTypes;
    }

    /** The processor writes in transactions: only committed events are read. */
    public DataFrameReader batch(SparkSession spark) {
        DataFrameReader reader = spark.read().format("kafka").option("kafka.bootstrap.servers", bootstrapServers)
                .option("subscribe", topic).option("kafka.isolation.level", "read_committed")
                .option("kafka.max.poll.records", BATCH_POLL_RECORDS);
        return reader.option("minPartitions",
                minPartitions == null ? 4 * spark.sparkContext().defaultParallelism() : minPartitions);
    }

    DataStreamReader stream(SparkSession spark) {
        DataStreamReader reader = spark.readStream().format("kafka").option("kafka.bootstrap.servers", bootstrapServers)
                .option("subscribe", topic).option("kafka.isolation.level", "read_committed")
                .option("startingOffsets", "earliest").option("failOnDataLoss", String.valueOf(failOnDataLoss));
        return minPartitions == null ? reader : reader.option("minPartitions", minPartitions);
    }
}
