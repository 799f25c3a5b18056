package io.steelthread.pipeline.hive;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.steelthread.pipeline.PipelineProperties;
import io.steelthread.pipeline.spark.SparkLaunchTasklet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.repeat.RepeatStatus;

/**
 * Points a partition at the directory the compaction wrote: one metastore update, so readers see either all the
 * old files or all the new ones. The old directory is left for readers still on it.
 */
public class HivePartitionLocationTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(HivePartitionLocationTasklet.class);
    private static final Pattern PARTITION = Pattern.compile("event_date=([0-9-]+)/event_hour=([0-9]{1,2})");

    private final PipelineProperties properties;

    public HivePartitionLocationTasklet(PipelineProperties properties) {
        this.properties = properties;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        PipelineProperties.Compact compact = properties.getCompact();
        Matcher partition = PARTITION.matcher(String.valueOf(compact.getPartition()));
        if (!partition.matches()) {
            throw new IllegalArgumentException("steelthread.pipeline.compact.partition must look like "
                    + "event_date=2026-11-25/event_hour=13, not " + compact.getPartition());
        }
        Object location = chunkContext.getStepContext().getJobExecutionContext().get(SparkLaunchTasklet.LOCATION);
        if (location == null || location.toString().contains("'")) {
            throw new IllegalStateException("the compaction step reported no usable location: " + location);
        }
        PipelineProperties.Hive hive = properties.getHive();
        String sql = "ALTER TABLE " + hive.getDatabase() + "." + compact.getTable() + " PARTITION (event_date='"
                + partition.group(1) + "', event_hour=" + Integer.parseInt(partition.group(2)) + ") SET LOCATION '"
                + location + "'";
        try (Connection c = DriverManager.getConnection(hive.getJdbcUrl(), hive.getUser(), hive.getPassword());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
        log.info("partition {} of {} now reads {}", compact.getPartition(), compact.getTable(), location);
        return RepeatStatus.FINISHED;
    }
}
