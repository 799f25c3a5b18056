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

import org.junit.jupiter.api.Test;

/**
 * The seed's streaming job on real servers, run as users run it (the task's packaged jar; stopped with SIGTERM as
 * Data Flow stops a local task): events produced while the query runs show up in Presto; a driver killed at each
 * commit point of the sink and started again leaves exactly the produced events in the table.
 */
class SwordPurchasesStreamIT {

    /** Every task a test started: none may outlive it, with its Spark driver, when the test fails. */
    private static final List<StreamTask> STARTED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void killWhatIsLeft() {
        for (StreamTask task : STARTED) {
            task.process.descendants().forEach(ProcessHandle::destroyForcibly);
            task.process.destroyForcibly();
        }
        STARTED.clear();
    }

    @Test
    void eventsAppearWhileRunningAndCompactionAndACheckpointResetKeepEveryRow() throws Exception {
        HiveStack stack = HiveStack.get();
        String topic = "stream-" + UUID.randomUUID().toString().substring(0, 8);
        stack.kafka.createTopics(List.of(topic), 2);
        TaskRunner task = new TaskRunner();
        assertThat(task.run(stack, topic, "hiveDdl", "--steelthread.pipeline.hive.tables=sword_purchases"))
                .as(task.lastFailure()).isZero();
        Path work = Files.createTempDirectory("stream-it");
        String[] stream = {"--steelthread.pipeline.stream.checkpoint=" + work.resolve("checkpoint").toUri(),
                "--steelthread.pipeline.stream.trigger=2 seconds", "--steelthread.pipeline.stream.max-offsets-per-trigger=25"};

        TestEvents.produce(stack.kafka, topic, 0, 40, "purchase_sword");
        TestEvents.produce(stack.kafka, topic, 1000, 1010, "default");
        StreamTask first = StreamTask.start(stack, topic, work, stream);
        awaitRows(stack, "sword_purchases", 40, Duration.ofSeconds(120), first);

        // An hour no event had, while the query runs: its rows become visible in Presto once their batch commits,
        // with no repair step run by anyone (the sink registers the partition as part of the commit).
        java.time.ZonedDateTime nextHour = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusHours(1)
                .truncatedTo(java.time.temporal.ChronoUnit.HOURS).plusMinutes(1);
        String newHour = nextHour.toLocalDate() + "/" + nextHour.getHour();
        assertThat(partitions(stack)).doesNotContain(newHour);
        TestEvents.produce(stack.kafka, topic, 5000, 5010, "purchase_sword", nextHour.toInstant());
        awaitRows(stack, "sword_purchases", 50, Duration.ofSeconds(60), first);
        assertThat(partitions(stack)).contains(newHour);

        TestEvents.produce(stack.kafka, topic, 40, 200, "purchase_sword");
        awaitRows(stack, "sword_purchases", 210, Duration.ofSeconds(120), first);

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
        awaitRows(stack, "sword_purchases", 230, Duration.ofSeconds(60), first);
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
        awaitRows(stack, "sword_purchases", 230, Duration.ofSeconds(10), first);
        first.stop();
        assertThat(first.log()).contains("Spark application StreamEventsJob: FINISHED");

        try (Connection presto = DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
                Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM sword_purchases")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(230);
            assertThat(rs.getLong(2)).isEqualTo(230);
        }
        // Bursts were worked off in bounded batches (at most 25 offsets each, 240 offsets).
        Path table = Path.of(java.net.URI.create(stack.warehouse + "/sword_purchases"));
        assertThat(committedBatches(table)).as("batches committed").isGreaterThanOrEqualTo(10);

        // A reset checkpoint is a new query that reads the topic again from the start: its batch ids begin at 0
        // again, and none of them may be taken for committed because the old query committed the same id.
        // Rows repeat (a reset means reprocessing); none is missing.
        org.springframework.util.FileSystemUtils.deleteRecursively(work.resolve("checkpoint"));
        TestEvents.produce(stack.kafka, topic, 220, 225, "purchase_sword");
        StreamTask again = StreamTask.start(stack, topic, work, stream);
        awaitRows(stack, "sword_purchases", 465, Duration.ofSeconds(120), again);
        again.stop();
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

    /**
     * The driver SIGKILLed at each commit point of the sink, held there by {@code CrashPointFileSystem} (spark-jobs'
     * test classes on the driver's class path): after staging, mid-rename, after the renames before the
     * {@code _committed} marker, after the marker. The task is launched again after each kill; every launch after
     * the first is killed while it finishes the batch the previous one was killed in, so recovery itself is
     * interrupted at the next point. Each kill is checked to have hit the batch where it was meant to (the files on
     * disk at that moment); after a last launch without a crash point, Presto has every produced event exactly once
     * and nothing is left in staging. Each round's events span two hours, so every batch has files in two
     * partitions and a move has a middle.
     */
    @Test
    void aDriverKilledAtEachCommitPointOfTheSinkLeavesEveryEventExactlyOnce() throws Exception {
        HiveStack stack = HiveStack.get();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "crash-" + id;
        stack.kafka.createTopics(List.of(topic), 2);
        String database = "crash_" + id;
        String warehouse = stack.warehouse + "/" + database;
        Path work = Files.createTempDirectory("crash-it");
        String[] own = {"--steelthread.pipeline.warehouse=" + warehouse, "--steelthread.pipeline.hive.database=" + database,
                "--steelthread.pipeline.hive.tables=sword_purchases", "--steelthread.pipeline.stream.trigger=2 seconds"};
        TaskRunner ddl = new TaskRunner();
        assertThat(ddl.run(stack, topic, "hiveDdl", own)).as(ddl.lastFailure()).isZero();
        Path table = Path.of(java.net.URI.create(warehouse + "/sword_purchases"));
        java.time.Instant pastHour = java.time.Instant.now().minus(Duration.ofHours(1));
        Path crashClasses = stack.project.resolve("spark-tasks/spark-jobs/target/test-classes");
        assertThat(crashClasses.resolve("io/steelthread/spark/CrashPointFileSystem.class")).exists();

        int produced = 0;
        for (String point : List.of("AFTER_STAGING", "MID_RENAME", "BEFORE_COMMITTED", "AFTER_COMMITTED")) {
            TestEvents.produce(stack.kafka, topic, produced, produced + 20, "purchase_sword");
            TestEvents.produce(stack.kafka, topic, produced + 20, produced + 40, "purchase_sword", pastHour);
            produced += 40;
            Path signal = work.resolve(point);
            String conf = "--steelthread.pipeline.spark.conf.";
            StreamTask task = StreamTask.start(stack, topic, work, TaskRunner.with(List.of(own),
                    conf + "spark.hadoop.fs.file.impl=io.steelthread.spark.CrashPointFileSystem",
                    conf + "spark.hadoop.fs.file.impl.disable.cache=true",
                    conf + "spark.hadoop.steelthread.test.crash.point=" + point,
                    conf + "spark.hadoop.steelthread.test.crash.signal=" + signal,
                    conf + "spark.driver.extraClassPath=" + crashClasses).toArray(String[]::new));
            ProcessHandle driver = task.driver();
            for (int i = 0; i < 240 && !Files.exists(signal); i++) {
                assertThat(driver.isAlive()).as("the driver before reaching %s; task log:%n%s", point, task.log()).isTrue();
                Thread.sleep(500);
            }
            assertThat(signal).as("%s reached; task log:%n%s", point, task.log()).exists();
            Path at = Path.of(Files.readAllLines(signal).get(1));
            assertHeldAt(point, table, at);
            System.out.printf("held at %s (%s): %d data files staged, %d in the table; SIGKILL%n", point,
                    table.relativize(at), stagedBatches(table).stream().mapToLong(b -> dataFiles(b).size()).sum(),
                    committedDataFiles(table));

            driver.destroyForcibly();
            assertThat(driver.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(task.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the task ends with its driver")
                    .isTrue();
            assertThat(task.process.exitValue()).as("the task of a killed driver; log:%n%s", task.log()).isNotZero();
            assertHeldAt(point, table, at);
        }

        StreamTask last = StreamTask.start(stack, topic, work, own);
        awaitRows(stack, database + ".sword_purchases", produced, Duration.ofSeconds(120), last);
        // One trigger more: a batch written twice would show now.
        Thread.sleep(3000);
        last.stop();
        try (Connection presto = DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
                Statement s = presto.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM " + database + ".sword_purchases")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows").isEqualTo(produced);
            assertThat(rs.getLong(2)).as("distinct events").isEqualTo(produced);
        }
        assertThat(stagedBatches(table)).as("batches left in staging").isEmpty();
    }

    /** What the files of the batch show at a crash point: the kill hit the batch where it was meant to. */
    private static void assertHeldAt(String point, Path table, Path at) throws java.io.IOException {
        switch (point) {
            case "AFTER_STAGING" -> {
                assertThat(at.resolve("_ROWS")).as("the staged batch's row count").exists();
                assertThat(dataFiles(at)).as("staged data files").isNotEmpty();
                assertThat(marker(table, at)).as("its commit marker").doesNotExist();
            }
            case "MID_RENAME" -> {
                assertThat(at).as("a data file moved into the table").exists();
                assertThat(table.relativize(at).toString()).doesNotStartWith("_");
                assertThat(stagedBatches(table).stream().mapToLong(b -> dataFiles(b).size()).sum())
                        .as("data files of the batch still staged").isPositive();
            }
            case "BEFORE_COMMITTED" -> {
                Path batch = table.resolve("_staging").resolve(at.getParent().getFileName()).resolve("batch=" + at.getFileName());
                assertThat(at).as("the commit marker").doesNotExist();
                assertThat(batch.resolve("_ROWS")).exists();
                assertThat(dataFiles(batch)).as("data files still staged").isEmpty();
            }
            case "AFTER_COMMITTED" -> {
                assertThat(marker(table, at)).as("the commit marker").exists();
                assertThat(at).as("the staging directory, not yet deleted").exists();
            }
            default -> throw new IllegalArgumentException(point);
        }
    }

    /** The {@code _committed} marker of a staged batch {@code _staging/<query>/batch=<id>}. */
    private static Path marker(Path table, Path batch) {
        return table.resolve("_committed").resolve(batch.getParent().getFileName())
                .resolve(batch.getFileName().toString().substring("batch=".length()));
    }

    private static List<Path> dataFiles(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("_")
                    && !f.getFileName().toString().startsWith(".")).toList();
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
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
        // stop_it is a path-only table (no DDL, no metastore): nothing to register.
        StreamTask task = StreamTask.start(stack, topic, work, "--steelthread.pipeline.stream.table=stop_it",
                "--steelthread.pipeline.hive.metastore-uri=", "--steelthread.pipeline.stream.trigger=2 seconds");
        ProcessHandle driver = task.driver();

        Path table = Path.of(java.net.URI.create(stack.warehouse + "/stop_it"));
        TestEvents.produce(stack.kafka, topic, 0, 30, "purchase_sword");
        awaitCommittedBatch(table, Duration.ofSeconds(120), task);
        assertThat(task.log()).contains("Spark application StreamEventsJob: RUNNING");
        TestEvents.produce(stack.kafka, topic, 30, 60, "purchase_sword");
        assertThat(task.process.isAlive()).as("the task runs until stopped").isTrue();

        task.stop();
        try {
            driver.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        catch (java.util.concurrent.TimeoutException stillAlive) {
            // asserted below
        }
        assertThat(driver.isAlive()).as("Spark driver pid %d outlived its task", driver.pid()).isFalse();
        // A stop right after the first batch used to end in the 60-s kill now and then: Hadoop's local file system
        // swallowed the stop's interrupt (a rename during the offset log's write), and the next batch waited for
        // one. Now that batch sees the query stopped: the driver ends FINISHED, nothing half-moved in staging.
        String ended = task.log();
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
    private static void awaitCommittedBatch(Path table, Duration timeout, StreamTask task) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(table.resolve("_committed")) && committedDataFiles(table) > 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no batch committed under " + table + " within " + timeout + "; log:\n" + task.log());
    }

    private static long committedDataFiles(Path table) throws java.io.IOException {
        try (var files = Files.walk(table)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")
                    && !table.relativize(p).toString().startsWith("_")).count();
        }
    }

    /** The streaming task as users run it: the packaged jar, stopped with SIGTERM as Data Flow stops a local task. */
    private static final class StreamTask {

        final Process process;
        final Path log;

        private StreamTask(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static StreamTask start(HiveStack stack, String topic, Path work, String... extra) throws Exception {
            Path log = work.resolve("task-" + System.nanoTime() + ".log");
            List<String> args = TaskRunner.with(TaskRunner.args(stack, topic, "swordPurchasesStream",
                    "jdbc:h2:file:" + work.resolve("db")), extra);
            StreamTask task = new StreamTask(TaskRunner.start(stack, args, log), log);
            STARTED.add(task);
            return task;
        }

        /**
         * The task's Spark driver (spark-submit's JVM, client mode), once it runs; not the short-lived launcher JVM
         * that spark-class runs first to build the driver's command line (its arguments name the class too).
         */
        ProcessHandle driver() throws Exception {
            for (int i = 0; i < 120 && process.isAlive(); i++) {
                ProcessHandle driver = process.descendants().filter(p -> {
                    String args = p.info().arguments().map(a -> String.join(" ", a)).orElse("");
                    return p.info().command().orElse("").endsWith("java")
                            && args.contains("org.apache.spark.deploy.SparkSubmit")
                            && args.contains("io.steelthread.spark.StreamEventsJob")
                            && !args.contains("org.apache.spark.launcher.Main");
                }).findFirst().orElse(null);
                if (driver != null) {
                    return driver;
                }
                Thread.sleep(500);
            }
            throw new AssertionError("no Spark driver of the task; log:\n" + log());
        }

        /** SIGTERM, as Data Flow stops a local task: the query stops between batches. */
        void stop() throws Exception {
            assertThat(process.isAlive()).as("the task, running until stopped; log:%n%s", log()).isTrue();
            process.destroy();
            assertThat(process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("the task ended").isTrue();
        }

        String log() throws java.io.IOException {
            return Files.readString(log);
        }
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
    private static void awaitRows(HiveStack stack, String table, long rows, Duration timeout, StreamTask task)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            try (Connection presto = DriverManager.getConnection(stack.presto.jdbcUrl(), "it", null);
                    Statement s = presto.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                seen = rs.getLong(1);
            }
            if (seen >= rows) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("Presto saw " + seen + " of " + rows + " rows of " + table + "; task log:\n" + task.log());
    }
}
