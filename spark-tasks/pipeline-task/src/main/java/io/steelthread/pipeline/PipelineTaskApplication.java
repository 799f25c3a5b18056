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
        int exit;
        try {
            exit = SpringApplication.exit(SpringApplication.run(PipelineTaskApplication.class, args));
        }
        catch (RuntimeException failed) {
            // A failed job (fail-on-job-failure): Spring has logged it and closed the context. Exit now: presto-jdbc's
            // OkHttp dispatcher thread is not a daemon and kept a failed task's JVM alive for 60 s more.
            exit = 1;
        }
        System.exit(exit);
    }
}
