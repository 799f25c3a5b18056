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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;


/**
 * The seed's batch flow on real servers: events in Kafka → ExtractEventsJob on the assembled Spark home
 * (SparkLauncher, local[2]) → DDL through HiveServer2 → validation through Presto; then the failure cases. Tests
 * run in a random order: none depends on another's leftovers. Those that only read share the default database's
 * table (made once, by whichever needs it first); those that change a table make their own (database, warehouse).
 */
@TestMethodOrder(MethodOrderer.Random.class)
class PurchasesExtractJobIT {

    static final int SWORDS = 30;
    static final int DEFAULTS = 20;
    static HiveStack stack;
    /** The seed's events; no test adds to them. */
    static String topic;
    private static Integer seedExit;
    private static String seedFailure;

    @BeforeAll
    static void events() throws Exception {
        stack = HiveStack.get();
        topic = seedTopic("events");
    }

    /** A topic with the seed's events: 30 sword purchases, 20 other events, 7 purchases aborted. */
    private static String seedTopic(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        stack.kafka.createTopics(List.of(name), 2);
        TestEvents.produce(stack.kafka, name, 0, SWORDS, "purchase_sword");
        TestEvents.produce(stack.kafka, name, SWORDS, SWORDS + DEFAULTS, "default");
        // A processor's failed transaction: in the log, never in a table (every count below is SWORDS, not more).
        TestEvents.produceAborted(stack.kafka, name, 0, 7, "purchase_sword");
        return name;
    }

    /** The default database's purchases table as the seed's job makes it; the tests that use it only read it. */
    private static synchronized void seedTable() throws Exception {
        if (seedExit == null) {
            TaskRunner task = new TaskRunner();
            seedExit = task.run(stack, topic, "purchasesExtract");
            seedFailure = task.lastFailure() + task.output();
        }
        assertThat(seedExit).as(seedFailure).isZero();
    }

    /** A database and warehouse of a test's own, for a test that changes its table. */
    private record Own(String database, String warehouse, String[] args) {

        String table() {
            return database + ".purchases";
        }

        String[] with(String... more) {
            return java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
                    .toArray(String[]::new);
        }
    }

    private static Own own(String name) {
        String database = name + "_" + UUID.randomUUID().toString().substring(0, 8);
        String warehouse = stack.warehouse + "/" + database;
        return new Own(database, warehouse, new String[] {"--steelthread.pipeline.warehouse=" + warehouse,
                "--steelthread.pipeline.hive.database=" + database});
    }

    /** As {@link #own}, holding the seed's table made by the seed's job. */
    private Own ownSeedTable(String name) throws Exception {
        Own own = own(name);
        assertThat(runTask("purchasesExtract", own.args())).as(lastFailure).isZero();
        assertThat(count(own.table())).isEqualTo(SWORDS);
        return own;
    }

    @Test
    void extractDdlAndValidateMakeThePurchasesTableAsTheSeedQueriedIt() throws Exception {
        seedTable();

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
    void ddlTwiceIsHarmless() throws Exception {
        seedTable();
        assertThat(runTask("hiveDdl")).isZero();
        assertThat(runTask("hiveDdl")).isZero();
        assertThat(runTask("prestoValidate", "--steelthread.pipeline.presto.expected-rows=" + SWORDS)).isZero();
    }

    @Test
    void validationFailsWhenTheConfiguredCountOrAColumnDiffers() throws Exception {
        seedTable();
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
    void aFailingSparkApplicationFailsTheStepWithSparksError() throws Exception {
        // Spark refuses a heap size in the driver's Java options: spark-submit exits with its error.
        assertThat(runTask("sparkExtract", own("refused").with(
                "--steelthread.pipeline.spark.conf.spark.driver.extraJavaOptions=-Xmx64m"))).isNotZero();
        assertThat(lastFailure).contains("Spark application ExtractEventsJob ended")
                .contains("Not allowed to specify max heap");
    }

    @Test
    void compactionRewritesAPartitionIntoOneFileWithTheSameRows() throws Exception {
        Own own = ownSeedTable("compaction");
        String partition;
        long rows;
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_date, event_hour, count(*), count(DISTINCT \"$path\") "
                        + "FROM " + own.table() + " GROUP BY event_date, event_hour ORDER BY 4 DESC LIMIT 1")) {
            rs.next();
            partition = "event_date=" + rs.getString(1) + "/event_hour=" + rs.getInt(2);
            rows = rs.getLong(3);
            assertThat(rs.getLong(4)).as("files before").isGreaterThan(1);
        }
        assertThat(runTask("compactPartition", own.with("--steelthread.pipeline.compact.partition=" + partition)))
                .as(lastFailure).isZero();
        String[] keys = partition.split("/");
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT \"$path\") FROM " + own.table() + " WHERE event_date = '"
                        + keys[0].substring("event_date=".length()) + "' AND event_hour = "
                        + keys[1].substring("event_hour=".length()))) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(rows);
            assertThat(rs.getLong(2)).as("files after").isEqualTo(1);
        }
        assertThat(runTask("prestoValidate", own.with("--steelthread.pipeline.presto.expected-rows=" + SWORDS)))
                .as(lastFailure).isZero();
    }

    /**
     * Rows the spark step wrote that readers do not see fail the job's validation, which compares Presto with the
     * spark step's own report (no expected count given): a data file is deleted the moment the DDL step connects to
     * HiveServer2 (through a relay that holds the connection until then), after the spark step reported its rows
     * and before the validation.
     */
    @Test
    void validationFailsWhenRowsTheSparkStepWroteAreMissingInPresto() throws Exception {
        Own own = own("removal");
        Path tableDir = Path.of(java.net.URI.create(own.warehouse() + "/purchases"));
        int hivePort = java.net.URI.create(stack.hiveServer2.jdbcUrl().substring("jdbc:".length())).getPort();
        List<Path> deleted = java.util.Collections.synchronizedList(new ArrayList<>());
        try (HoldingRelay relay = new HoldingRelay(hivePort, () -> deleted.add(deleteADataFile(tableDir)))) {
            assertThat(runTask("purchasesExtract", own.with(
                    "--steelthread.pipeline.hive.jdbc-url=jdbc:hive2://127.0.0.1:" + relay.port() + "/default")))
                    .isNotZero();
        }
        assertThat(deleted).as("files deleted when the DDL step connected").hasSize(1);
        long left = count(own.table());
        assertThat(left).isLessThan(SWORDS);
        assertThat(lastFailure).contains("hive." + own.table() + " has " + left + " rows in Presto, expected " + SWORDS
                + " (the table's rows after the spark step)");
    }

    private static Path deleteADataFile(Path tableDir) throws java.io.IOException {
        Path file;
        try (var files = Files.walk(tableDir)) {
            file = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Files.delete(file);
        return file;
    }

    /**
     * A TCP relay to a local port that runs {@code first} when the first connection arrives, before relaying
     * anything: a server the task reaches at a known moment, held until the test has acted.
     */
    private static final class HoldingRelay implements AutoCloseable {

        interface Action {
            void run() throws Exception;
        }

        private final java.net.ServerSocket server;

        HoldingRelay(int target, Action first) throws java.io.IOException {
            server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                boolean ran = false;
                while (!server.isClosed()) {
                    java.net.Socket client = null;
                    try {
                        client = server.accept();
                        if (!ran) {
                            ran = true;
                            first.run();
                        }
                        java.net.Socket upstream = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), target);
                        pump(client, upstream);
                        pump(upstream, client);
                    }
                    catch (Exception e) {
                        if (!server.isClosed()) {
                            e.printStackTrace();
                        }
                        // Refused rather than left hanging: the task then fails and says so.
                        try {
                            if (client != null) {
                                client.close();
                            }
                        }
                        catch (java.io.IOException ignored) {
                            // closing
                        }
                    }
                }
            }, "holding-relay");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private static void pump(java.net.Socket from, java.net.Socket to) {
            Thread pump = new Thread(() -> {
                try (from; to) {
                    from.getInputStream().transferTo(to.getOutputStream());
                }
                catch (java.io.IOException closed) {
                    // The other direction closed both sockets.
                }
            }, "holding-relay-pump");
            pump.setDaemon(true);
            pump.start();
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
        }
    }

    /**
     * The incremental extract (a checkpoint), run twice with new events between: validation compares Presto with
     * the rows the table holds after each run, not with the run's own rows (which failed every run after the first).
     * On a topic (it adds events) and in a database of its own, which the DDL step creates.
     */
    @Test
    void incrementalExtractsValidateAgainstTheWholeTable() throws Exception {
        String ownTopic = seedTopic("incremental");
        Own own = own("incremental");
        String[] incremental = own.with("--steelthread.pipeline.extract.topic=" + ownTopic,
                "--steelthread.pipeline.extract.checkpoint=" + own.warehouse() + "/_checkpoints/purchases");
        assertThat(runTask("purchasesExtract", incremental)).as(lastFailure).isZero();
        assertThat(count(own.table())).isEqualTo(SWORDS);

        TestEvents.produce(stack.kafka, ownTopic, SWORDS + DEFAULTS, SWORDS + DEFAULTS + 5, "purchase_sword");
        assertThat(runTask("purchasesExtract", incremental)).as(lastFailure).isZero();
        assertThat(count(own.table())).isEqualTo(SWORDS + 5);
    }

    /**
     * An open transaction in the topic holds read_committed readers at its first record (the last stable offset):
     * the extract finishes with the committed events before it, not failing and not waiting for it, and takes the
     * committed events behind it once it ends; its own events never. On a topic and database of its own.
     */
    @Test
    void anOpenTransactionHoldsTheExtractBackWithoutFailingIt() throws Exception {
        String ownTopic = "open-tx-" + UUID.randomUUID().toString().substring(0, 8);
        stack.kafka.createTopics(List.of(ownTopic), 1);
        Own own = own("open_tx");
        String[] extract = own.with("--steelthread.pipeline.extract.topic=" + ownTopic,
                "--steelthread.pipeline.extract.checkpoint=" + own.warehouse() + "/_checkpoints/purchases");
        TestEvents.produce(stack.kafka, ownTopic, 0, 3, "purchase_sword");
        try (KafkaProducer<String, String> open = TestEvents.produceInOpenTransaction(stack.kafka, ownTopic, 3, 8,
                "purchase_sword")) {
            TestEvents.produce(stack.kafka, ownTopic, 8, 12, "purchase_sword");
            assertThat(runTask("purchasesExtract", extract)).as(lastFailure).isZero();
            assertThat(count(own.table())).as("rows while a transaction is open before the last 4").isEqualTo(3);
            open.abortTransaction();
        }
        assertThat(runTask("purchasesExtract", extract)).as(lastFailure).isZero();
        assertThat(count(own.table())).as("rows once it was aborted").isEqualTo(7);
    }

    /**
     * The seed's overwrite while Presto is queried: every query sees all rows (the new rows are switched to in the
     * metastore, never written where readers look) and none fails, except the one way Presto itself fails a query
     * planned across a partition drop (HIVE_PARTITION_DROPPED_DURING_QUERY), and only for the dropped hour; a partition whose events left the topic is
     * dropped; the previous version's files outlive the switch by one run, older ones do not; a run that finds no
     * events leaves the table as it was.
     */
    @Test
    void aFullExtractSwitchesReadersToItsNewRowsWithoutHidingTheTable() throws Exception {
        Own own = ownSeedTable("overwrite");
        try (Connection presto = presto(); Statement s = presto.createStatement()) {
            // As after Kafka's retention: a registered hour none of the topic's events falls in.
            s.execute("CALL system.create_empty_partition('" + own.database() + "', 'purchases', ARRAY['event_date', 'event_hour'], "
                    + "ARRAY['2000-01-01', '0'])");
        }
        assertThat(partitions(own.table())).contains("2000-01-01/0");
        long before = count(own.table());
        assertThat(before).isEqualTo(SWORDS);

        List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try (Connection presto = presto(); Statement s = presto.createStatement();
                        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + own.table())) {
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
            exit = runTask("sparkExtract", own.args());
        }
        finally {
            done.set(true);
            reader.join();
        }
        assertThat(exit).as(lastFailure).isZero();
        // Presto checks that every partition it listed still exists when it reads it; the stale hour's drop can
        // land in between. Anything else (a missing location, a half-switched table) is a failure.
        assertThat(failed).as("queries that failed during the overwrite").allSatisfy(message -> assertThat(message)
                .contains("Partition no longer exists: " + own.table() + "/event_date=2000-01-01/event_hour=0"));
        assertThat(seen).as("row counts seen during the overwrite").hasSizeGreaterThan(5)
                .allSatisfy(rows -> assertThat(rows).isEqualTo(SWORDS));
        assertThat(count(own.table())).isEqualTo(SWORDS);
        assertThat(partitions(own.table())).doesNotContain("2000-01-01/0");
        List<String> first = files(own.table());
        assertThat(first).isNotEmpty().allSatisfy(f -> assertThat(f).contains("/purchases/_v"));

        assertThat(runTask("sparkExtract", own.with("--steelthread.pipeline.extract.event-types=no_such_event"))).isNotZero();
        assertThat(lastFailure).contains("found no events of types [no_such_event]").contains("is left as it was");
        assertThat(count(own.table())).isEqualTo(SWORDS);
        assertThat(files(own.table())).containsExactlyInAnyOrderElementsOf(first);

        assertThat(runTask("sparkExtract", own.args())).as(lastFailure).isZero();
        assertThat(count(own.table())).isEqualTo(SWORDS);
        List<String> second = files(own.table());
        assertThat(second).doesNotContainAnyElementsOf(first);
        assertThat(first).as("the previous version, kept for queries planned before the switch")
                .allSatisfy(f -> assertThat(Path.of(java.net.URI.create(f))).exists());
        // Nothing older: the first run's directories at the table's root (and the stale hour's) are gone.
        List<String> left;
        try (var entries = Files.list(Path.of(java.net.URI.create(own.warehouse() + "/purchases")))) {
            left = entries.map(e -> e.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
        assertThat(left).as("the table directory").hasSize(2).allSatisfy(n -> assertThat(n).startsWith("_v"));
    }

    /** The files Presto reads for the table. */
    private static List<String> files(String table) throws Exception {
        List<String> files = new ArrayList<>();
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT DISTINCT \"$path\" FROM " + table)) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        return files;
    }

    /** The table's registered partitions, {@code <event_date>/<event_hour>}. */
    private static List<String> partitions(String table) throws Exception {
        String[] name = table.split("\\.");
        List<String> partitions = new ArrayList<>();
        try (Connection presto = presto(); Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_date, event_hour FROM " + name[0] + ".\"" + name[1]
                        + "$partitions\"")) {
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
