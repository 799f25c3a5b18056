package io.steelthread.pipeline;

import java.nio.file.Path;
import java.util.List;

import io.steelthread.pipeline.spark.SparkApplication;
import io.steelthread.pipeline.spark.SparkLaunchTasklet;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.configuration.annotation.JobBuilderFactory;
import org.springframework.batch.core.configuration.annotation.StepBuilderFactory;
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

    @Bean
    Step sparkStreamStep(StepBuilderFactory steps, PipelineProperties properties) {
        PipelineProperties.Stream stream = properties.getStream();
        // Without a checkpoint a restarted query would re-read the topic and duplicate the table.
        String checkpoint = stream.getCheckpoint() == null || stream.getCheckpoint().isBlank()
                ? properties.tableLocation("_checkpoints/" + stream.getTable()) : stream.getCheckpoint();
        List<String> args = SparkApplication.sourceArgs(properties, stream.getTable());
        Path stopFile = Path.of(System.getProperty("java.io.tmpdir"), "steelthread-" + stream.getTable() + ".stop");
        args.addAll(List.of("--checkpoint", checkpoint, "--trigger", stream.getTrigger(),
                "--sink", stream.getSink(), "--stop-file", stopFile.toString()));
        SparkApplication app = new SparkApplication("StreamEventsJob", "io.steelthread.spark.StreamEventsJob", args,
                stopFile);
        return steps.get("sparkStream").tasklet(new SparkLaunchTasklet(properties.getSpark(), app)).build();
    }

    @Bean
    Job swordPurchasesStream(JobBuilderFactory jobs, Step sparkStreamStep) {
        return jobs.get("swordPurchasesStream").incrementer(new RunIdIncrementer()).start(sparkStreamStep).build();
    }
}
