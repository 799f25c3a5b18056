import io.steelthread.spark.EventSourceOptions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/**
 * The ceiling under ExtractEventsJob: Spark's Kafka source alone, opened by the extract's own EventSourceOptions
 * (so it reads exactly as the extract reads), every value read and summed, nothing parsed or written.
 * Run by bench/extract.sh: spark-submit --jars <spark-jobs jar> --class SparkKafkaRead <its jar> <bootstrap> <topic>
 */
public class SparkKafkaRead {

    public static void main(String[] args) {
        // --table-path is required by the shared options; nothing is written here.
        EventSourceOptions source = CommandLine.populateCommand(new EventSourceOptions(),
                "--bootstrap-servers", args[0], "--topic", args[1], "--table-path", "unused");
        SparkSession spark = SparkSession.builder().appName("SparkKafkaRead").getOrCreate();
        try {
            long start = System.nanoTime();
            Row totals = source.batch(spark).option("startingOffsets", "earliest").option("endingOffsets", "latest")
                    .load().selectExpr("count(*)", "sum(length(value))").first();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("Spark Kafka source alone: %d records (%d bytes) in %.1f s (%.0f records/s)%n",
                    totals.getLong(0), totals.getLong(1), seconds, totals.getLong(0) / seconds);
        }
        finally {
            spark.stop();
        }
    }
}
