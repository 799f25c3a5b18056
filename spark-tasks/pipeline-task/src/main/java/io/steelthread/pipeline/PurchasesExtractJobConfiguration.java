package io.steelthread.pipeline;

import java.util.List;

import io.steelthread.pipeline.metrics.TaskMetrics;
import io.steelthread.pipeline.hive.HiveDdlTasklet;
import io.steelthread.pipeline.presto.PrestoValidationTasklet;
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
import org.springframework.core.io.ResourceLoader;

/**
 * The seed's batch flow as Spring Batch jobs: {@code purchasesExtract} = spark extract → Hive DDL → Presto
 * validation, and each step as a job of its own ({@code sparkExtract}, {@code hiveDdl}, {@code prestoValidate}),
 * so Data Flow can run them as separate task definitions.
 */
@Configuration(proxyBeanMethods = false)
public class PurchasesExtractJobConfiguration {

    @Bean
    Step sparkExtractStep(StepBuilderFactory steps, PipelineProperties properties, TaskMetrics metrics) {
        PipelineProperties.Extract extract = properties.getExtract();
        List<String> args = SparkApplication.sourceArgs(properties, extract.getTable());
        if (extract.getCheckpoint() != null && !extract.getCheckpoint().isBlank()) {
            args.addAll(List.of("--checkpoint", extract.getCheckpoint()));
        }
        // Through the metastore when the table is registered: a full run switches readers to its new rows in the
        // metastore, an incremental one registers partitions as its batches commit.
        String metastore = properties.getHive().getMetastoreUri();
        if (metastore != null && !metastore.isBlank()) {
            args.addAll(List.of("--metastore-uri", metastore,
                    "--hive-table", properties.getHive().getDatabase() + "." + extract.getTable()));
        }
        SparkApplication app = new SparkApplication("ExtractEventsJob", extract.getTable(), "io.steelthread.spark.ExtractEventsJob", args,
                null);
        ExecutionContextPromotionListener promote = new ExecutionContextPromotionListener();
        promote.setKeys(new String[] {SparkLaunchTasklet.ROWS, SparkLaunchTasklet.TABLE_ROWS});
        return steps.get("sparkExtract").tasklet(new SparkLaunchTasklet(properties.getSpark(), app, metrics))
                .listener(promote).build();
    }

    @Bean
    Step hiveDdlStep(StepBuilderFactory steps, PipelineProperties properties, ResourceLoader resources,
            TaskMetrics metrics) {
        return steps.get("hiveDdl").tasklet(new HiveDdlTasklet(properties, resources, metrics)).build();
    }

    @Bean
    Step prestoValidateStep(StepBuilderFactory steps, PipelineProperties properties, ResourceLoader resources,
            TaskMetrics metrics) {
        return steps.get("prestoValidate").tasklet(new PrestoValidationTasklet(properties, resources, metrics)).build();
    }

    @Bean
    Job purchasesExtract(JobBuilderFactory jobs, Step sparkExtractStep, Step hiveDdlStep, Step prestoValidateStep) {
        return jobs.get("purchasesExtract").incrementer(new RunIdIncrementer())
                .start(sparkExtractStep).next(hiveDdlStep).next(prestoValidateStep).build();
    }

    @Bean
    Job sparkExtract(JobBuilderFactory jobs, Step sparkExtractStep) {
        return jobs.get("sparkExtract").incrementer(new RunIdIncrementer()).start(sparkExtractStep).build();
    }

    @Bean
    Job hiveDdl(JobBuilderFactory jobs, Step hiveDdlStep) {
        return jobs.get("hiveDdl").incrementer(new RunIdIncrementer()).start(hiveDdlStep).build();
    }

    @Bean
    Job prestoValidate(JobBuilderFactory jobs, Step prestoValidateStep) {
        return jobs.get("prestoValidate").incrementer(new RunIdIncrementer()).start(prestoValidateStep).build();
    }
}
