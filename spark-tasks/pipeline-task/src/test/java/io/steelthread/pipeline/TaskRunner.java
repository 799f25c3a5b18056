package io.steelthread.pipeline;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** Runs the pipeline task as Data Flow would: one job, the servers' addresses as properties, an exit code. */
final class TaskRunner {

    private String lastFailure = "";

    /** @return the task's exit code; {@link #lastFailure()} then holds the failed steps' exit messages */
    int run(HiveStack stack, String topic, String job, String... extra) throws Exception {
        // A database per run that outlives it, as Data Flow's does: the step's exit message is read from it.
        String database = "jdbc:h2:file:" + Files.createTempDirectory("task-db").resolve("db");
        List<String> args = args(stack, topic, job, database);
        for (String option : extra) {
            // An extra option replaces the default one of the same name (Spring would join both with a comma).
            int eq = option.indexOf('=');
            if (eq > 0) {
                String name = option.substring(0, eq + 1);
                args.removeIf(a -> a.startsWith(name));
            }
            args.add(option);
        }
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

    String lastFailure() {
        return lastFailure;
    }
}
