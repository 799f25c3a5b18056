package io.steelthread.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;
import org.junit.jupiter.api.Test;

/**
 * The seed's streaming job on real servers: events produced while the query runs show up in Presto, and a driver
 * killed (SIGKILL) in the middle and started again leaves exactly the produced events in the table.
 */
class SwordPurchasesStreamIT {

    @Test
    void eventsAppearWhileRunningAndAKilledDriverLeavesExactlyTheProducedCount() throws Exception {
        HiveStack stack = HiveStack.get();
        String topic = "stream-" + UUID.randomUUID().toString().substring(0, 8);
        stack.kafka.createTopics(List.of(topic), 2);
        TaskRunner task = new TaskRunner();
        assertThat(task.run(stack, topic, "hiveDdl", "--steelthread.pipeline.hive.tables=sword_purchases"))
                .as(task.lastFailure()).isZero();
        Path work = Files.createTempDirectory("stream-it");
        String checkpoint = work.resolve("checkpoint").toUri().toString();
        Path stopFile = work.resolve("stop");

        SparkAppHandle first = launch(stack, topic, checkpoint, stopFile);
        TestEvents.produce(stack.kafka, topic, 0, 40, "purchase_sword");
        TestEvents.produce(stack.kafka, topic, 1000, 1010, "default");
        awaitRows(stack, 40, Duration.ofSeconds(120));

        // An hour no event had, while the query runs: its rows become visible in Presto once their batch commits,
        // with no repair step run by anyone (the sink registers the partition as part of the commit).
        java.time.ZonedDateTime nextHour = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusHours(1)
                .truncatedTo(java.time.temporal.ChronoUnit.HOURS).plusMinutes(1);
        String newHour = nextHour.toLocalDate() + "/" + nextHour.getHour();
        assertThat(partitions(stack)).doesNotContain(newHour);
        TestEvents.produce(stack.kafka, topic, 5000, 5010, "purchase_sword", nextHour.toInstant());
        awaitRows(stack, 50, Duration.ofSeconds(60));
        assertThat(partitions(stack)).contains(newHour);

        TestEvents.produce(stack.kafka, topic, 40, 140, "purchase_sword");
        Thread.sleep(1500);
        first.kill();
        awaitFinal(first);
        TestEvents.produce(stack.kafka, topic, 140, 200, "purchase_sword");

        SparkAppHandle second = launch(stack, topic, checkpoint, stopFile);
        awaitRows(stack, 210, Duration.ofSeconds(120));

        // Compaction while the stream runs: late rows for the compacted hour, written after the switch, stay
        // visible (the sink writes into the partition's registered location), and a second compaction starts from
        // the current location, deletes what no reader can reach and keeps every row.
        String partition;
        try (Connection presto = DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
                Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_date, event_hour FROM sword_purchases "
                        + "GROUP BY event_date, event_hour ORDER BY count(*) DESC LIMIT 1")) {
            rs.next();
            partition = "event_date=" + rs.getString(1) + "/event_hour=" + rs.getInt(2);
        }
        assertThat(compact(stack, topic, partition)).isZero();
        java.time.Instant late = java.time.LocalDate.parse(partition.substring("event_date=".length(), partition.indexOf('/')))
                .atTime(Integer.parseInt(partition.substring(partition.lastIndexOf('=') + 1)), 30)
                .toInstant(java.time.ZoneOffset.UTC);
        TestEvents.produce(stack.kafka, topic, 200, 220, "purchase_sword", late);
        awaitRows(stack, 230, Duration.ofSeconds(60));
        assertThat(compact(stack, topic, partition)).isZero();
        try (Connection presto = DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
                Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT \"$path\") FROM sword_purchases WHERE "
                        + "event_date = '" + partition.substring("event_date=".length(), partition.indexOf('/'))
                        + "' AND event_hour = " + partition.substring(partition.lastIndexOf('=') + 1))) {
            rs.next();
            assertThat(rs.getLong(2)).as("files of the compacted partition").isEqualTo(1);
        }
        Path defaultDir = Path.of(java.net.URI.create(stack.warehouse + "/sword_purchases/" + partition));
        assertThat(defaultDir).as("the directory readers left at the first compaction").doesNotExist();
        awaitRows(stack, 230, Duration.ofSeconds(10));
        Thread.sleep(6000);
        Files.writeString(stopFile, "stop");
        awaitFinal(second);
        assertThat(second.getState()).isEqualTo(SparkAppHandle.State.FINISHED);

        try (Connection presto = DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
                Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM sword_purchases")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(230);
            assertThat(rs.getLong(2)).isEqualTo(230);
        }
        // The backlog at each start was worked off in bounded batches (at most 25 offsets each, 240 offsets).
        Path table = Path.of(java.net.URI.create(stack.warehouse + "/sword_purchases"));
        assertThat(committedBatches(table)).as("batches committed").isGreaterThanOrEqualTo(10);

        // A reset checkpoint is a new query that reads the topic again from the start: its batch ids begin at 0
        // again, and none of them may be taken for committed because the old query committed the same id.
        // Rows repeat (a reset means reprocessing); none is missing.
        deleteRecursively(work.resolve("checkpoint"));
        TestEvents.produce(stack.kafka, topic, 220, 225, "purchase_sword");
        SparkAppHandle third = launch(stack, topic, checkpoint, stopFile);
        awaitRows(stack, 465, Duration.ofSeconds(120));
        Files.writeString(stopFile, "stop");
        awaitFinal(third);
        try (Connection presto = DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
                Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM sword_purchases")) {
            rs.next();
            assertThat(rs.getLong(2)).as("distinct events").isEqualTo(235);
            assertThat(rs.getLong(1)).as("rows: 230 before the reset, 235 read again").isEqualTo(465);
        }
    }

    /** The batch directories under {@code _staging} (one per query, then {@code batch=<id>}). */
    private static List<Path> stagedBatches(Path table) throws java.io.IOException {
        if (!Files.exists(table.resolve("_staging"))) {
            return List.of();
        }
        try (var paths = Files.walk(table.resolve("_staging"))) {
            return paths.filter(p -> p.getFileName().toString().startsWith("batch=")).toList();
        }
    }

    private static long committedBatches(Path table) throws java.io.IOException {
        try (var markers = Files.walk(table.resolve("_committed"))) {
            return markers.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * The seed's write_swords_stream as users run it, the task: it starts, streams produced purchases into the
     * table while running, and a SIGTERM (how Data Flow stops a local task) stops the query between batches (the
     * driver ends FINISHED, not killed; no batch left half-moved in staging) and leaves no Spark driver behind.
     */
    @Test
    void theStreamTaskStreamsUntilStoppedAndLeavesNoSparkDriverBehind() throws Exception {
        HiveStack stack = HiveStack.get();
        String topic = "stop-" + UUID.randomUUID().toString().substring(0, 8);
        stack.kafka.createTopics(List.of(topic), 1);
        Path work = Files.createTempDirectory("stop-it");
        Path jar;
        try (var jars = Files.list(stack.project.resolve("spark-tasks/pipeline-task/target"))) {
            jar = jars.filter(p -> p.getFileName().toString().matches("pipeline-task-.*\\.jar")).findFirst().orElseThrow();
        }
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(TaskRunner.args(stack, topic, "swordPurchasesStream", "jdbc:h2:file:" + work.resolve("db")));
        command.add("--steelthread.pipeline.stream.table=stop_it");
        // stop_it is a path-only table (no DDL): nothing to register in the metastore.
        command.removeIf(arg -> arg.startsWith("--steelthread.pipeline.hive.metastore-uri="));
        command.add("--steelthread.pipeline.stream.trigger=2 seconds");
        Path log = work.resolve("task.log");
        Process task = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ProcessHandle driver = null;
        for (int i = 0; i < 120 && driver == null && task.isAlive(); i++) {
            driver = task.descendants().filter(p -> p.info().arguments().map(a -> String.join(" ", a))
                    .orElse("").contains("io.steelthread.spark.StreamEventsJob") && p.info().command().orElse("").endsWith("java"))
                    .findFirst().orElse(null);
            Thread.sleep(500);
        }
        assertThat(driver).as("the Spark driver of the task; log:\n%s", Files.readString(log)).isNotNull();

        Path table = Path.of(java.net.URI.create(stack.warehouse + "/stop_it"));
        TestEvents.produce(stack.kafka, topic, 0, 30, "purchase_sword");
        awaitCommittedBatch(table, Duration.ofSeconds(120), log);
        assertThat(Files.readString(log)).contains("Spark application StreamEventsJob: RUNNING");
        TestEvents.produce(stack.kafka, topic, 30, 60, "purchase_sword");
        assertThat(task.isAlive()).as("the task runs until stopped").isTrue();

        task.destroy();
        assertThat(task.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        ProcessHandle sparkDriver = driver;
        for (int i = 0; i < 60 && sparkDriver.isAlive(); i++) {
            Thread.sleep(500);
        }
        assertThat(sparkDriver.isAlive()).as("Spark driver pid %d outlived its task", sparkDriver.pid()).isFalse();
        // A stop right after the first batch used to end in the 60-s kill now and then: Hadoop's local file system
        // swallowed the stop's interrupt (a rename during the offset log's write), and the next batch waited for
        // one. Now that batch sees the query stopped: the driver ends FINISHED, nothing half-moved in staging.
        String ended = Files.readString(log);
        assertThat(ended).as(ended).contains("Spark application StreamEventsJob: FINISHED").doesNotContain("killing");
        assertThat(stagedBatches(table)).as("batches torn by the stop, left in staging").isEmpty();
    }

    private static int compact(HiveStack stack, String topic, String partition) throws Exception {
        TaskRunner task = new TaskRunner();
        int exit = task.run(stack, topic, "compactPartition", "--steelthread.pipeline.compact.table=sword_purchases",
                "--steelthread.pipeline.compact.partition=" + partition);
        assertThat(task.lastFailure()).isEmpty();
        return exit;
    }

    /** Waits for the sink's first committed batch: a marker under {@code _committed} and data files in the table. */
    private static void awaitCommittedBatch(Path table, Duration timeout, Path log) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(table.resolve("_committed")) && committedDataFiles(table) > 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no batch committed under " + table + " within " + timeout + "; log:\n"
                + Files.readString(log));
    }

    private static long committedDataFiles(Path table) throws java.io.IOException {
        try (var files = Files.walk(table)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")
                    && !table.relativize(p).toString().startsWith("_")).count();
        }
    }

    private static SparkAppHandle launch(HiveStack stack, String topic, String checkpoint, Path stopFile) throws Exception {
        Files.deleteIfExists(stopFile);
        return new SparkLauncher().setSparkHome(stack.sparkHome().toString()).setMaster("local[2]")
                .setAppResource(stack.sparkJobsJar().toString()).setMainClass("io.steelthread.spark.StreamEventsJob")
                .setConf(SparkLauncher.DRIVER_MEMORY, "1g").setConf("spark.ui.enabled", "false")
                .redirectError().redirectOutput(stopFile.resolveSibling("driver-" + System.nanoTime() + ".log").toFile())
                .addAppArgs("--bootstrap-servers", stack.kafka.bootstrapServers(), "--topic", topic,
                        "--table-path", stack.warehouse + "/sword_purchases", "--checkpoint", checkpoint,
                        "--trigger", "2 seconds", "--max-offsets-per-trigger", "25", "--stop-file", stopFile.toString(),
                        "--metastore-uri", stack.metastore.address(), "--hive-table", "default.sword_purchases")
                .startApplication();
    }

    /** The table's registered partitions as Presto sees them, {@code <event_date>/<event_hour>}. */
    private static List<String> partitions(HiveStack stack) throws Exception {
        List<String> partitions = new java.util.ArrayList<>();
        try (Connection presto = DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
                Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT event_date, event_hour FROM \"sword_purchases$partitions\"")) {
            while (rs.next()) {
                partitions.add(rs.getString(1) + "/" + rs.getInt(2));
            }
        }
        return partitions;
    }

    /** Rows Presto sees: the sink registers each partition it writes, nobody repairs the table. */
    private static void awaitRows(HiveStack stack, long rows, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            try (Connection presto = DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
                    Statement s = presto.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM sword_purchases")) {
                rs.next();
                seen = rs.getLong(1);
            }
            if (seen >= rows) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("Presto saw " + seen + " of " + rows + " rows");
    }

    private static void awaitFinal(SparkAppHandle handle) throws InterruptedException {
        for (int i = 0; i < 600 && !handle.getState().isFinal(); i++) {
            Thread.sleep(100);
        }
        assertThat(handle.getState().isFinal()).as("state %s", handle.getState()).isTrue();
    }
}
