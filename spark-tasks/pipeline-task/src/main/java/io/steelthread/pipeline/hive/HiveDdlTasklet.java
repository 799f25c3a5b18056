package io.steelthread.pipeline.hive;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import io.steelthread.pipeline.PipelineProperties;
import io.steelthread.pipeline.metrics.TaskMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.core.io.ResourceLoader;

/**
 * Declares the tables in the metastore through HiveServer2 (hive-jdbc): each {@code ddl/<table>.sql} (idempotent,
 * {@code IF NOT EXISTS}), then {@code MSCK REPAIR TABLE} to register the partition directories Spark wrote.
 */
public class HiveDdlTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(HiveDdlTasklet.class);

    private final PipelineProperties properties;
    private final ResourceLoader resources;
    private final TaskMetrics metrics;

    public HiveDdlTasklet(PipelineProperties properties, ResourceLoader resources, TaskMetrics metrics) {
        this.properties = properties;
        this.resources = resources;
        this.metrics = metrics;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        PipelineProperties.Hive hive = properties.getHive();
        long started = System.nanoTime();
        try (Connection connection = DriverManager.getConnection(hive.getJdbcUrl(), hive.getUser(), hive.getPassword());
                Statement statement = connection.createStatement()) {
            // The DDL names ${database}.table: a database other than default must exist first.
            statement.execute("CREATE DATABASE IF NOT EXISTS " + DdlScript.identifier(hive.getDatabase()));
            for (String table : hive.getTables()) {
                DdlScript ddl = DdlScript.load(resources, hive.getDdlLocation(), table, hive.getDatabase(),
                        properties.tableLocation(table));
                log.info("applying DDL of {}.{}", hive.getDatabase(), table);
                statement.execute(ddl.sql());
                statement.execute("MSCK REPAIR TABLE " + hive.getDatabase() + "." + table);
                contribution.incrementWriteCount(1);
            }
        }
        metrics.ddl(java.time.Duration.ofNanos(System.nanoTime() - started));
        return RepeatStatus.FINISHED;
    }
}
