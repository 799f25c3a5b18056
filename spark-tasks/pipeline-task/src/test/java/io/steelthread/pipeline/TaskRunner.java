package io.steelthread.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the pipeline task as Data Flow does: the packaged jar in a JVM of its own, one job, the servers' addresses
 * as arguments; the exit code is the process's, the failed steps' exit messages are read from the task's database
 * (where Data Flow reads them).
 */
final class TaskRunner {

    private String lastFailure = "";
    private Path lastLog;

    /** @return the task's exit code; {@link #lastFailure()} then holds the failed steps' exit messages */
    int run(HiveStack stack, String topic, String job, String... extra) throws Exception {
        // A database per run that outlives it, as Data Flow's does: the step's exit message is read from it.
        Path work = Files.createTempDirectory("task-");
        String database = "jdbc:h2:file:" + work.resolve("db");
        List<String> args = with(args(stack, topic, job, database), extra);
        lastFailure = "";
        lastLog = work.resolve("task.log");
        Process task = start(stack, args, lastLog);
        if (!task.waitFor(15, TimeUnit.MINUTES)) {
            task.descendants().forEach(ProcessHandle::destroyForcibly);
            task.destroyForcibly().waitFor();
            throw new AssertionError("task " + job + " did not end within 15 min; its output:\n" + output());
        }
        int exit = task.exitValue();
        if (exit != 0) {
            try (Connection db = DriverManager.getConnection(database, "sa", "");
                    Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery("SELECT EXIT_MESSAGE FROM BATCH_STEP_EXECUTION WHERE STATUS = 'FAILED'")) {
                while (rs.next()) {
                    lastFailure += rs.getString(1) + "\n";
                }
            }
        }
        return exit;
    }

    /** Starts {@code java -jar pipeline-task.jar ARGS}, its output to {@code log}. */
    static Process start(HiveStack stack, List<String> args, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                stack.pipelineTaskJar().toString()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The task's arguments for one job against the stack's servers. */
    static List<String> args(HiveStack stack, String topic, String job, String database) throws Exception {
        return new ArrayList<>(List.of(
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
                "--steelthread.pipeline.hive.metastore-uri=" + stack.metastore.address(),
                "--steelthread.pipeline.presto.jdbc-url=" + stack.presto.jdbcUrl()));
    }

    /** {@code args} and {@code extra}: an extra option replaces one of the same name (Spring would join both). */
    static List<String> with(List<String> args, String... extra) {
        List<String> all = new ArrayList<>(args);
        for (String option : extra) {
            int eq = option.indexOf('=');
            if (eq > 0) {
                String name = option.substring(0, eq + 1);
                all.removeIf(a -> a.startsWith(name));
            }
            all.add(option);
        }
        return all;
    }

    String lastFailure() {
        return lastFailure;
    }

    /** The last run's console output, for assertion messages. */
    String output() throws java.io.IOException {
        return lastLog == null || !Files.exists(lastLog) ? "" : Files.readString(lastLog);
    }
}
