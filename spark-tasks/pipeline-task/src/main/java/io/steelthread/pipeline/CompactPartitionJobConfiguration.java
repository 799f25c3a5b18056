package io.steelthread.pipeline;

import java.util.List;

import io.steelthread.pipeline.metrics.TaskMetrics;
import io.steelthread.pipeline.spark.SparkApplication;
import io.steelthread.pipeline.spark.SparkLaunchTasklet;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.configuration.annotation.JobBuilderFactory;
import org.springframework.batch.core.configuration.annotation.StepBuilderFactory;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.core.launch.support.RunIdIncrementer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code compactPartition}: CompactPartitionJob rewrites a partition's small files into a new directory and points
 * the partition at it in the metastore, moving along files the stream wrote meanwhile
 * ({@code steelthread.pipeline.compact.*}).
 */
@Configuration(proxyBeanMethods = false)
public class CompactPartitionJobConfiguration {

    /** Step scoped: the settings are checked when this job runs, not when another job of the task starts. */
    @Bean
    @StepScope
    Tasklet sparkCompactTasklet(PipelineProperties properties, TaskMetrics metrics) {
        PipelineProperties.Compact compact = properties.getCompact();
        String metastore = properties.getHive().getMetastoreUri();
        if (metastore == null || metastore.isBlank()) {
            throw new IllegalStateException("compactPartition needs steelthread.pipeline.hive.metastore-uri: it reads "
                    + "and moves the partition's location in the metastore");
        }
        SparkApplication app = new SparkApplication("CompactPartitionJob", compact.getTable(), "io.steelthread.spark.CompactPartitionJob",
                List.of("--table-path", properties.tableLocation(compact.getTable()),
                        "--hive-table", properties.getHive().getDatabase() + "." + compact.getTable(),
                        "--metastore-uri", metastore,
                        "--partition", String.valueOf(compact.resolvedPartition(java.time.Instant.now())),
                        "--files", String.valueOf(compact.getFiles())), null);
        return new SparkLaunchTasklet(properties.getSpark(), app, metrics);
    }

    @Bean
    Step sparkCompactStep(StepBuilderFactory steps, Tasklet sparkCompactTasklet) {
        return steps.get("sparkCompact").tasklet(sparkCompactTasklet).build();
    }

    @Bean
    Job compactPartition(JobBuilderFactory jobs, Step sparkCompactStep) {
        return jobs.get("compactPartition").incrementer(new RunIdIncrementer()).start(sparkCompactStep).build();
    }
}
