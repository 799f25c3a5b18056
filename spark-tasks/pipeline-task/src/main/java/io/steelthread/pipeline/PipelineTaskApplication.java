package io.steelthread.pipeline;

import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.cloud.task.configuration.EnableTask;

/**
 * The pipeline task: runs one Spring Batch job ({@code spring.batch.job.names}) and exits with its status, so
 * Data Flow records it as a task execution. Jobs: {@code purchasesExtract} (spark extract, Hive DDL, Presto
 * validation), and each of those steps alone: {@code sparkExtract}, {@code hiveDdl}, {@code prestoValidate}.
 */
@SpringBootApplication
@EnableTask
@EnableBatchProcessing
@ConfigurationPropertiesScan
public class PipelineTaskApplication {

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(PipelineTaskApplication.class, args)));
    }
}
