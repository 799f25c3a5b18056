package io.steelthread.pipeline;

import java.util.List;

import io.steelthread.pipeline.hive.HivePartitionLocationTasklet;
import io.steelthread.pipeline.spark.SparkApplication;
import io.steelthread.pipeline.spark.SparkLaunchTasklet;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.configuration.annotation.JobBuilderFactory;
import org.springframework.batch.core.configuration.annotation.StepBuilderFactory;
import org.springframework.batch.core.launch.support.RunIdIncrementer;
import org.springframework.batch.core.listener.ExecutionContextPromotionListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code compactPartition}: CompactPartitionJob rewrites a partition's small files into a new directory, then the
 * metastore is pointed at it ({@code steelthread.pipeline.compact.*}).
 */
@Configuration(proxyBeanMethods = false)
public class CompactPartitionJobConfiguration {

    @Bean
    Step sparkCompactStep(StepBuilderFactory steps, PipelineProperties properties) {
        PipelineProperties.Compact compact = properties.getCompact();
        SparkApplication app = new SparkApplication("CompactPartitionJob", "io.steelthread.spark.CompactPartitionJob",
                List.of("--table-path", properties.tableLocation(compact.getTable()),
                        "--partition", String.valueOf(compact.getPartition()),
                        "--files", String.valueOf(compact.getFiles())), null);
        ExecutionContextPromotionListener promote = new ExecutionContextPromotionListener();
        promote.setKeys(new String[] {SparkLaunchTasklet.ROWS, SparkLaunchTasklet.LOCATION});
        return steps.get("sparkCompact").tasklet(new SparkLaunchTasklet(properties.getSpark(), app)).listener(promote)
                .build();
    }

    @Bean
    Step hivePartitionLocationStep(StepBuilderFactory steps, PipelineProperties properties) {
        return steps.get("hivePartitionLocation").tasklet(new HivePartitionLocationTasklet(properties)).build();
    }

    @Bean
    Job compactPartition(JobBuilderFactory jobs, Step sparkCompactStep, Step hivePartitionLocationStep) {
        return jobs.get("compactPartition").incrementer(new RunIdIncrementer()).start(sparkCompactStep)
                .next(hivePartitionLocationStep).build();
    }
}
