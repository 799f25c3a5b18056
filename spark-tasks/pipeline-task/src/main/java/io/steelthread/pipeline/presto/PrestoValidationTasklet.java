package io.steelthread.pipeline.presto;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.steelthread.pipeline.PipelineProperties;
import io.steelthread.pipeline.metrics.TaskMetrics;
import io.steelthread.pipeline.hive.DdlScript;
import io.steelthread.pipeline.spark.SparkLaunchTasklet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.core.io.ResourceLoader;

/**
 * Checks the result as its users see it, through Presto (presto-jdbc): the table is visible, its columns are the
 * DDL's, it holds the rows the spark step of this job wrote (or the configured count), and its newest
 * {@code event_ts} is recent enough. Any difference fails the step with a message that names it.
 */
public class PrestoValidationTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(PrestoValidationTasklet.class);

    private final PipelineProperties properties;
    private final ResourceLoader resources;
    private final TaskMetrics metrics;

    public PrestoValidationTasklet(PipelineProperties properties, ResourceLoader resources, TaskMetrics metrics) {
        this.properties = properties;
        this.resources = resources;
        this.metrics = metrics;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        PipelineProperties.Presto presto = properties.getPresto();
        String database = properties.getHive().getDatabase();
        ExecutionContext job = chunkContext.getStepContext().getStepExecution().getJobExecution().getExecutionContext();
        List<String> problems = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(presto.getJdbcUrl(), presto.getUser(),
                presto.getPassword() == null || presto.getPassword().isBlank() ? null : presto.getPassword());
                Statement s = c.createStatement()) {
            Set<String> tables = strings(s, "SHOW TABLES FROM hive." + database, 1);
            for (String table : properties.getHive().getTables()) {
                int before = problems.size();
                if (!tables.contains(table)) {
                    metrics.validation(table, false, 0, null);
                    problems.add("table hive." + database + "." + table + " is not visible in Presto (tables: " + tables + ")");
                    continue;
                }
                String qualified = "hive." + database + "." + table;
                List<String> expected = DdlScript.load(resources, properties.getHive().getDdlLocation(), table, database,
                        properties.tableLocation(table)).columns();
                Set<String> actual = strings(s, "DESCRIBE " + qualified, 1);
                if (!actual.equals(new LinkedHashSet<>(expected))) {
                    Set<String> missing = new LinkedHashSet<>(expected);
                    missing.removeAll(actual);
                    Set<String> unexpected = new LinkedHashSet<>(actual);
                    unexpected.removeAll(expected);
                    problems.add(qualified + " columns differ from its DDL: missing " + missing + ", unexpected " + unexpected);
                }
                try (ResultSet rs = s.executeQuery("SELECT count(*), max(event_ts) FROM " + qualified)) {
                    rs.next();
                    long rows = rs.getLong(1);
                    Timestamp newest = rs.getTimestamp(2);
                    // What readers must see: the table's rows after the spark step (an incremental extract appends
                    // to what earlier runs wrote), else the rows it wrote, else the configured count.
                    String source = job.containsKey(SparkLaunchTasklet.TABLE_ROWS) ? " (the table's rows after the spark step)"
                            : job.containsKey(SparkLaunchTasklet.ROWS) ? " (written by the spark step)" : "";
                    Long want = job.containsKey(SparkLaunchTasklet.TABLE_ROWS) ? (Long) job.get(SparkLaunchTasklet.TABLE_ROWS)
                            : job.containsKey(SparkLaunchTasklet.ROWS) ? (Long) job.get(SparkLaunchTasklet.ROWS)
                            : presto.getExpectedRows();
                    if (want != null && rows != want) {
                        problems.add(qualified + " has " + rows + " rows in Presto, expected " + want + source);
                    }
                    if (want == null && rows == 0) {
                        problems.add(qualified + " is empty");
                    }
                    if (!presto.getMaxEventAge().isZero() && newest != null
                            && newest.toInstant().isBefore(Instant.now().minus(presto.getMaxEventAge()))) {
                        problems.add(qualified + " newest event_ts " + newest.toInstant() + " is older than "
                                + presto.getMaxEventAge());
                    }
                    log.info("{}: {} rows, newest event_ts {}", qualified, rows, newest);
                    metrics.validation(table, problems.size() == before, rows, want);
                    contribution.incrementReadCount();
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ValidationFailedException("Presto validation failed: " + String.join("; ", problems));
        }
        return RepeatStatus.FINISHED;
    }

    private static Set<String> strings(Statement s, String sql, int column) throws Exception {
        Set<String> out = new LinkedHashSet<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(column).toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
