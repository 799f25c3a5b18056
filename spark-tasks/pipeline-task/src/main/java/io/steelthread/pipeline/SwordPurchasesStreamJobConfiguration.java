package io.steelthread.pipeline;

import java.nio.file.Path;
import java.util.List;

import io.steelthread.pipeline.metrics.TaskMetrics;
import io.steelthread.pipeline.spark.SparkApplication;
import io.steelthread.pipeline.spark.SparkLaunchTasklet;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.configuration.annotation.JobBuilderFactory;
import org.springframework.batch.core.configuration.annotation.StepBuilderFactory;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.batch.core.launch.support.RunIdIncrementer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The seed's streaming job as a task: {@code swordPurchasesStream} runs StreamEventsJob until the task is stopped
 * (the query then stops between batches). The table is declared and validated by the {@code hiveDdl} and
 * {@code prestoValidate} jobs with {@code steelthread.pipeline.hive.tables=sword_purchases}.
 */
@Configuration(proxyBeanMethods = false)
public class SwordPurchasesStreamJobConfiguration {

    /** A bean, so that closing the context (SIGTERM) stops the query between batches before the task ends. */
    @Bean
    SparkLaunchTasklet sparkStreamTasklet(PipelineProperties properties, JobExplorer jobExplorer, TaskMetrics metrics) {
        PipelineProperties.Stream stream = properties.getStream();
        // Without a checkpoint a restarted query would re-read the topic and duplicate the table.
        String checkpoint = stream.getCheckpoint() == null || stream.getCheckpoint().isBlank()
                ? properties.tableLocation("_checkpoints/" + stream.getTable()) : stream.getCheckpoint();
        List<String> args = SparkApplication.sourceArgs(properties, stream.getTable());
        // One per task process: streams of the same table name (another database, another stack on the machine)
        // must not stop each other.
        Path stopFile = Path.of(System.getProperty("java.io.tmpdir"),
                "steelthread-" + stream.getTable() + "-" + ProcessHandle.current().pid() + ".stop");
        args.addAll(List.of("--checkpoint", checkpoint, "--trigger", stream.getTrigger(),
                "--max-offsets-per-trigger", String.valueOf(stream.getMaxOffsetsPerTrigger()),
                "--sink", stream.getSink(), "--stop-file", stopFile.toString()));
        String metastore = properties.getHive().getMetastoreUri();
        if (metastore != null && !metastore.isBlank() && "parquet".equals(stream.getSink())) {
            args.addAll(List.of("--metastore-uri", metastore,
                    "--hive-table", properties.getHive().getDatabase() + "." + stream.getTable()));
        }
        SparkApplication app = new SparkApplication("StreamEventsJob", stream.getTable(), "io.steelthread.spark.StreamEventsJob", args,
                stopFile);
        return new SparkLaunchTasklet(properties.getSpark(), app, metrics).awaitingJobEndOnClose(jobExplorer);
    }

    @Bean
    Step sparkStreamStep(StepBuilderFactory steps, SparkLaunchTasklet sparkStreamTasklet) {
        return steps.get("sparkStream").tasklet(sparkStreamTasklet).build();
    }

    @Bean
    Job swordPurchasesStream(JobBuilderFactory jobs, Step sparkStreamStep) {
        return jobs.get("swordPurchasesStream").incrementer(new RunIdIncrementer()).start(sparkStreamStep).build();
    }
}
