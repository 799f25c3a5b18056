package io.steelthread.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The seed's batch flow on real servers: events in Kafka → ExtractEventsJob on the assembled Spark home
 * (SparkLauncher, local[2]) → DDL through HiveServer2 → validation through Presto; then the failure cases.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PurchasesExtractJobIT {

    static final int SWORDS = 30;
    static final int DEFAULTS = 20;
    static HiveStack stack;
    static String topic;

    @BeforeAll
    static void events() throws Exception {
        stack = HiveStack.get();
        topic = "events-" + UUID.randomUUID().toString().substring(0, 8);
        stack.kafka.createTopics(List.of(topic), 2);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            Instant now = Instant.now();
            for (int i = 0; i < SWORDS + DEFAULTS; i++) {
                String type = i < SWORDS ? "purchase_sword" : "default";
                String host = "user" + (i % 2 + 1) + (i % 2 == 0 ? ".comcast.com" : ".att.com");
                Instant ts = now.minusSeconds(i);
                var utc = ts.atZone(ZoneOffset.UTC);
                producer.send(new ProducerRecord<>(topic, host, "{\"event_type\":\"" + type + "\",\"event_id\":\"e" + i
                        + "\",\"event_ts\":\"" + ts + "\",\"Host\":\"" + host + "\",\"Accept\":\"*/*\","
                        + "\"User-Agent\":\"ApacheBench/2.3\",\"player\":\"user" + (i % 2 + 1) + "\",\"isp\":\""
                        + (i % 2 == 0 ? "comcast.com" : "att.com") + "\",\"attributes\":{\"sword_type\":\"katana\"},"
                        + "\"event_date\":\"" + utc.toLocalDate() + "\",\"event_hour\":" + utc.getHour() + "}"));
            }
        }
    }

    @Test
    @Order(1)
    void extractDdlAndValidateMakeThePurchasesTableAsTheSeedQueriedIt() throws Exception {
        assertThat(runTask("purchasesExtract")).isZero();

        try (Connection presto = presto(); Statement s = presto.createStatement()) {
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("DESCRIBE purchases")) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            assertThat(columns).contains("accept", "host", "user-agent", "event_type", "timestamp");
            try (ResultSet rs = s.executeQuery("SELECT event_type, count(*) FROM purchases GROUP BY event_type")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("purchase_sword");
                assertThat(rs.getLong(2)).isEqualTo(SWORDS);
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = s.executeQuery("SELECT accept, host, \"user-agent\", event_type, \"timestamp\" FROM purchases "
                    + "WHERE host = 'user1.comcast.com' LIMIT 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("accept")).isEqualTo("*/*");
                assertThat(rs.getString("user-agent")).isEqualTo("ApacheBench/2.3");
                assertThat(rs.getString("timestamp")).isNotBlank();
            }
        }
    }

    @Test
    @Order(2)
    void ddlTwiceIsHarmless() throws Exception {
        assertThat(runTask("hiveDdl")).isZero();
        assertThat(runTask("hiveDdl")).isZero();
        assertThat(runTask("prestoValidate", "--steelthread.pipeline.presto.expected-rows=" + SWORDS)).isZero();
    }

    @Test
    @Order(3)
    void validationFailsWhenARowIsMissingOrAColumnDiffers() throws Exception {
        assertThat(runTask("prestoValidate", "--steelthread.pipeline.presto.expected-rows=" + (SWORDS + 1))).isNotZero();
        assertThat(lastFailure).contains("has " + SWORDS + " rows in Presto, expected " + (SWORDS + 1));

        Path ddl = Files.createTempDirectory("renamed-ddl");
        String renamed = new String(getClass().getResourceAsStream("/ddl/purchases.sql").readAllBytes())
                .replace("  host STRING,", "  host_name STRING,");
        Files.writeString(ddl.resolve("purchases.sql"), renamed);
        assertThat(runTask("prestoValidate", "--steelthread.pipeline.hive.ddl-location=file:" + ddl + "/")).isNotZero();
        assertThat(lastFailure).contains("columns differ from its DDL: missing [host_name], unexpected [host]");
    }

    @Test
    @Order(4)
    void aFailingSparkApplicationFailsTheStepWithSparksError() throws Exception {
        // Spark refuses a heap size in the driver's Java options: spark-submit exits with its error.
        assertThat(runTask("sparkExtract", "--steelthread.pipeline.spark.conf.spark.driver.extraJavaOptions=-Xmx64m"))
                .isNotZero();
        assertThat(lastFailure).contains("Spark application ExtractEventsJob ended")
                .contains("Not allowed to specify max heap");
    }

    String lastFailure = "";

    private int runTask(String job, String... extra) throws Exception {
        // A database per run that outlives it, as Data Flow's does: the step's exit message is read from it.
        String database = "jdbc:h2:file:" + Files.createTempDirectory("task-db").resolve("db");
        List<String> args = new ArrayList<>(List.of(
                "--spring.batch.job.names=" + job,
                "--spring.datasource.url=" + database,
                "--steelthread.pipeline.warehouse=" + stack.warehouse,
                "--steelthread.pipeline.spark.home=" + stack.sparkHome(),
                "--steelthread.pipeline.spark.app-resource=" + stack.sparkJobsJar(),
                "--steelthread.pipeline.spark.master=local[2]",
                "--steelthread.pipeline.spark.conf.spark.ui.enabled=false",
                "--steelthread.pipeline.extract.bootstrap-servers=" + stack.kafka.bootstrapServers(),
                "--steelthread.pipeline.extract.topic=" + topic,
                "--steelthread.pipeline.hive.jdbc-url=" + stack.hiveServer2.jdbcUrl(),
                "--steelthread.pipeline.presto.jdbc-url=" + stack.presto.jdbcUrl()));
        args.addAll(List.of(extra));
        lastFailure = "";
        try {
            ConfigurableApplicationContext context = SpringApplication.run(PipelineTaskApplication.class,
                    args.toArray(String[]::new));
            return SpringApplication.exit(context);
        }
        catch (IllegalStateException failed) {
            // fail-on-job-failure: the task ends with the job's failure; the failed step's exit message says why.
            try (Connection db = DriverManager.getConnection(database, "sa", "");
                    Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery("SELECT EXIT_MESSAGE FROM BATCH_STEP_EXECUTION WHERE STATUS = 'FAILED'")) {
                while (rs.next()) {
                    lastFailure += rs.getString(1) + "\n";
                }
            }
            return 1;
        }
    }

    private static Connection presto() throws Exception {
        return DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
    }
}
