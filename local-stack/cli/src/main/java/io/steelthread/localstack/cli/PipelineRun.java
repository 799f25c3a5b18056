package io.steelthread.localstack.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The second half of the seed's session on the local stack: the pipeline task's {@code purchasesExtract} job
 * (Spark extract through SparkLauncher, Hive DDL, Presto validation) run as its own process, then the seed's
 * Presto queries.
 */
final class PipelineRun {

    private final StackSettings s;
    private final PrintStream out;

    PipelineRun(StackSettings settings, PrintStream out) {
        this.s = settings;
        this.out = out;
    }

    /** @return the task's exit code */
    int runTask(String job) throws IOException, InterruptedException {
        Path taskHome = s.home().resolve("pipeline-task");
        Files.createDirectories(taskHome);
        Path log = s.home().resolve("logs").resolve("pipeline-task.log");
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", s.appJar("spark-tasks/pipeline-task").toString(),
                "--spring.batch.job.names=" + job,
                "--spring.datasource.url=jdbc:h2:file:" + taskHome.resolve("db") + ";AUTO_SERVER=TRUE",
                "--steelthread.pipeline.warehouse=" + s.warehouse(),
                "--steelthread.pipeline.spark.home=" + s.runtime("spark-runtime/target/spark-home"),
                "--steelthread.pipeline.spark.app-resource=" + s.appJar("spark-tasks/spark-jobs"),
                "--steelthread.pipeline.extract.bootstrap-servers=" + s.kafkaBootstrap(),
                "--steelthread.pipeline.extract.topic=" + s.get("topics.events"),
                "--steelthread.pipeline.hive.jdbc-url=" + hiveJdbcUrl(),
                "--steelthread.pipeline.presto.jdbc-url=" + prestoJdbcUrl()));
        out.println("$ java -jar pipeline-task.jar --spring.batch.job.names=" + job + " …   (log: " + log + ")");
        Process task = new ProcessBuilder(command).directory(taskHome.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        if (!task.waitFor(15, TimeUnit.MINUTES)) {
            task.destroyForcibly();
            throw new IOException("the pipeline task did not end within 15 minutes; log: " + log);
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains("Spark application") || line.contains("Job: [") || line.contains("Presto validation")
                    || line.contains("rows, newest event_ts") || line.contains("applying DDL")) {
                out.println("    " + line.replaceFirst("^.*? : ", ""));
            }
        }
        return task.exitValue();
    }

    /** Runs a query through presto-jdbc and prints it as the Presto CLI does. */
    void query(String sql) throws SQLException {
        out.println();
        out.println("presto:default> " + sql + ";");
        try (Connection c = DriverManager.getConnection(prestoJdbcUrl(), "steelthread", null);
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            List<String[]> rows = new ArrayList<>();
            String[] header = new String[n];
            int[] width = new int[n];
            for (int i = 0; i < n; i++) {
                header[i] = meta.getColumnLabel(i + 1);
                width[i] = header[i].length();
            }
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = String.valueOf(rs.getString(i + 1));
                    width[i] = Math.min(40, Math.max(width[i], row[i].length()));
                }
                rows.add(row);
            }
            out.println(line(header, width));
            StringBuilder rule = new StringBuilder();
            for (int i = 0; i < n; i++) {
                rule.append(i == 0 ? "" : "+").append("-".repeat(width[i] + 2));
            }
            out.println(rule);
            rows.forEach(r -> out.println(line(r, width)));
            out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")");
        }
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i].length() > width[i] ? cells[i].substring(0, width[i] - 1) + "…" : cells[i];
            b.append(i == 0 ? " " : " | ").append(cell).append(" ".repeat(width[i] - cell.length()));
        }
        return b.toString();
    }

    private String hiveJdbcUrl() {
        return s.addressOf("hiveserver2", "jdbc:hive2://127.0.0.1:" + s.port("hiveserver2") + "/default");
    }

    private String prestoJdbcUrl() {
        String presto = s.addressOf("presto", "http://127.0.0.1:" + s.port("presto"));
        return presto.replaceFirst("^https?://", "jdbc:presto://") + "/hive/default";
    }
}
