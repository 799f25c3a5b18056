package io.steelthread.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;


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
        TestEvents.produce(stack.kafka, topic, 0, SWORDS, "purchase_sword");
        TestEvents.produce(stack.kafka, topic, SWORDS, SWORDS + DEFAULTS, "default");
        // A processor's failed transaction: in the log, never in a table (every count below is SWORDS, not more).
        TestEvents.produceAborted(stack.kafka, topic, 0, 7, "purchase_sword");
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

    @Test
    @Order(6)
    void compactionRewritesAPartitionIntoOneFileWithTheSameRows() throws Exception {
        String partition;
        long rows;
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_date, event_hour, count(*), count(DISTINCT \"$path\") "
                        + "FROM purchases GROUP BY event_date, event_hour ORDER BY 4 DESC LIMIT 1")) {
            rs.next();
            partition = "event_date=" + rs.getString(1) + "/event_hour=" + rs.getInt(2);
            rows = rs.getLong(3);
            assertThat(rs.getLong(4)).as("files before").isGreaterThan(1);
        }
        assertThat(runTask("compactPartition", "--steelthread.pipeline.compact.partition=" + partition)).isZero();
        String[] keys = partition.split("/");
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT \"$path\") FROM purchases WHERE event_date = '"
                        + keys[0].substring("event_date=".length()) + "' AND event_hour = "
                        + keys[1].substring("event_hour=".length()))) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(rows);
            assertThat(rs.getLong(2)).as("files after").isEqualTo(1);
        }
        assertThat(runTask("prestoValidate", "--steelthread.pipeline.presto.expected-rows=" + SWORDS)).isZero();
    }

    @Test
    @Order(7)
    void validationFailsWhenRowsAreRemovedFromTheTable() throws Exception {
        // A file Presto reads now (after the compaction above, the partition's new directory).
        String file;
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT \"$path\" FROM purchases LIMIT 1")) {
            rs.next();
            file = rs.getString(1);
        }
        Files.delete(file.startsWith("file:") ? Path.of(java.net.URI.create(file)) : Path.of(file));
        long left;
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM purchases")) {
            rs.next();
            left = rs.getLong(1);
        }
        assertThat(left).isLessThan(SWORDS);
        assertThat(runTask("prestoValidate", "--steelthread.pipeline.presto.expected-rows=" + SWORDS)).isNotZero();
        assertThat(lastFailure).contains("has " + left + " rows in Presto, expected " + SWORDS);
    }

    /**
     * The incremental extract (a checkpoint), run twice with new events between: validation compares Presto with
     * the rows the table holds after each run, not with the run's own rows (which failed every run after the first).
     * In a database of its own, which the DDL step creates.
     */
    @Test
    @Order(8)
    void incrementalExtractsValidateAgainstTheWholeTable() throws Exception {
        String warehouse = stack.warehouse + "/incremental-" + UUID.randomUUID().toString().substring(0, 8);
        String[] incremental = {"--steelthread.pipeline.warehouse=" + warehouse,
                "--steelthread.pipeline.hive.database=incremental",
                "--steelthread.pipeline.extract.checkpoint=" + warehouse + "/_checkpoints/purchases"};
        assertThat(runTask("purchasesExtract", incremental)).as(lastFailure).isZero();
        assertThat(count("incremental.purchases")).isEqualTo(SWORDS);

        TestEvents.produce(stack.kafka, topic, SWORDS + DEFAULTS, SWORDS + DEFAULTS + 5, "purchase_sword");
        assertThat(runTask("purchasesExtract", incremental)).as(lastFailure).isZero();
        assertThat(count("incremental.purchases")).isEqualTo(SWORDS + 5);
    }

    /**
     * An open transaction in the topic holds read_committed readers at its first record (the last stable offset):
     * the extract finishes with the committed events before it, not failing and not waiting for it, and takes the
     * committed events behind it once it ends; its own events never. On a topic and database of its own.
     */
    @Test
    @Order(9)
    void anOpenTransactionHoldsTheExtractBackWithoutFailingIt() throws Exception {
        String own = "open-tx-" + UUID.randomUUID().toString().substring(0, 8);
        stack.kafka.createTopics(List.of(own), 1);
        String warehouse = stack.warehouse + "/" + own;
        String[] extract = {"--steelthread.pipeline.extract.topic=" + own,
                "--steelthread.pipeline.warehouse=" + warehouse,
                "--steelthread.pipeline.hive.database=open_tx",
                "--steelthread.pipeline.extract.checkpoint=" + warehouse + "/_checkpoints/purchases"};
        TestEvents.produce(stack.kafka, own, 0, 3, "purchase_sword");
        try (KafkaProducer<String, String> open = TestEvents.produceInOpenTransaction(stack.kafka, own, 3, 8,
                "purchase_sword")) {
            TestEvents.produce(stack.kafka, own, 8, 12, "purchase_sword");
            assertThat(runTask("purchasesExtract", extract)).as(lastFailure).isZero();
            assertThat(count("open_tx.purchases")).as("rows while a transaction is open before the last 4").isEqualTo(3);
            open.abortTransaction();
        }
        assertThat(runTask("purchasesExtract", extract)).as(lastFailure).isZero();
        assertThat(count("open_tx.purchases")).as("rows once it was aborted").isEqualTo(7);
    }

    /**
     * The seed's overwrite while Presto is queried: every query sees all rows (the new rows are switched to in the
     * metastore, never written where readers look) and none fails, except the one way Presto itself fails a query
     * planned across a partition drop (HIVE_PARTITION_DROPPED_DURING_QUERY), and only for the dropped hour; a partition whose events left the topic is
     * dropped; the previous version's files outlive the switch by one run, older ones do not; a run that finds no
     * events leaves the table as it was.
     */
    @Test
    @Order(5)
    void aFullExtractSwitchesReadersToItsNewRowsWithoutHidingTheTable() throws Exception {
        try (Connection presto = presto(); Statement s = presto.createStatement()) {
            // As after Kafka's retention: a registered hour none of the topic's events falls in.
            s.execute("CALL system.create_empty_partition('default', 'purchases', ARRAY['event_date', 'event_hour'], "
                    + "ARRAY['2000-01-01', '0'])");
        }
        assertThat(partitions()).contains("2000-01-01/0");
        long before = count("purchases");
        assertThat(before).isEqualTo(SWORDS);

        List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try (Connection presto = presto(); Statement s = presto.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*) FROM purchases")) {
                    rs.next();
                    seen.add(rs.getLong(1));
                }
                catch (Exception e) {
                    failed.add(String.valueOf(e));
                }
            }
        }, "presto-reader");
        reader.start();
        int exit;
        try {
            exit = runTask("sparkExtract");
        }
        finally {
            done.set(true);
            reader.join();
        }
        assertThat(exit).as(lastFailure).isZero();
        // Presto checks that every partition it listed still exists when it reads it; the stale hour's drop can
        // land in between. Anything else (a missing location, a half-switched table) is a failure.
        assertThat(failed).as("queries that failed during the overwrite").allSatisfy(message -> assertThat(message)
                .contains("Partition no longer exists: default.purchases/event_date=2000-01-01/event_hour=0"));
        assertThat(seen).as("row counts seen during the overwrite").hasSizeGreaterThan(5)
                .allSatisfy(rows -> assertThat(rows).isEqualTo(SWORDS));
        assertThat(count("purchases")).isEqualTo(SWORDS);
        assertThat(partitions()).doesNotContain("2000-01-01/0");
        List<String> first = files();
        assertThat(first).isNotEmpty().allSatisfy(f -> assertThat(f).contains("/purchases/_v"));

        assertThat(runTask("sparkExtract", "--steelthread.pipeline.extract.event-types=no_such_event")).isNotZero();
        assertThat(lastFailure).contains("found no events of types [no_such_event]").contains("is left as it was");
        assertThat(count("purchases")).isEqualTo(SWORDS);
        assertThat(files()).containsExactlyInAnyOrderElementsOf(first);

        assertThat(runTask("sparkExtract")).as(lastFailure).isZero();
        assertThat(count("purchases")).isEqualTo(SWORDS);
        List<String> second = files();
        assertThat(second).doesNotContainAnyElementsOf(first);
        assertThat(first).as("the previous version, kept for queries planned before the switch")
                .allSatisfy(f -> assertThat(Path.of(java.net.URI.create(f))).exists());
        // Nothing older: the first run's directories at the table's root (and the stale hour's) are gone.
        List<String> left;
        try (var entries = Files.list(Path.of(java.net.URI.create(stack.warehouse + "/purchases")))) {
            left = entries.map(e -> e.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
        assertThat(left).as("the table directory").hasSize(2).allSatisfy(n -> assertThat(n).startsWith("_v"));
    }

    /** The files Presto reads for the table. */
    private static List<String> files() throws Exception {
        List<String> files = new ArrayList<>();
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT \"$path\" FROM purchases")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }

    /** The table's registered partitions, {@code <event_date>/<event_hour>}. */
    private static List<String> partitions() throws Exception {
        List<String> partitions = new ArrayList<>();
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_date, event_hour FROM \"purchases$partitions\"")) {
            while (rs.next()) {
                partitions.add(rs.getString(1) + "/" + rs.getInt(2));
            }
        }
        return partitions;
    }

    private static long count(String table) throws Exception {
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    final TaskRunner task = new TaskRunner();

    private int runTask(String job, String... extra) throws Exception {
        int exit = task.run(stack, topic, job, extra);
        lastFailure = task.lastFailure();
        return exit;
    }

    String lastFailure = "";

    private static Connection presto() throws Exception {
        return DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
    }
}
