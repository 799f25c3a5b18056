import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The ceiling under ExtractEventsJob: Spark's Kafka source alone (read as the extract reads: committed, polls of 10,000, same partitioning),
 * every value read and summed, nothing parsed or written. Run by bench/extract.sh with the Spark home's jars:
 * spark-submit --class SparkKafkaRead <its jar> <bootstrap> <topic> <master> <min-partitions>
 */
public class SparkKafkaRead {

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().appName("SparkKafkaRead").master(args[2])
                .config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            long start = System.nanoTime();
            Row totals = spark.read().format("kafka").option("kafka.bootstrap.servers", args[0])
                    .option("subscribe", args[1]).option("kafka.isolation.level", "read_committed")
                    .option("kafka.max.poll.records", 10_000)
                    .option("startingOffsets", "earliest").option("endingOffsets", "latest")
                    .option("minPartitions", args[3]).load()
                    .selectExpr("count(*)", "sum(length(value))").first();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("Spark Kafka source alone: %d records (%d bytes) in %.1f s (%.0f records/s)%n",
                    totals.getLong(0), totals.getLong(1), seconds, totals.getLong(0) / seconds);
        }
        finally {
            spark.stop();
        }
    }
}
