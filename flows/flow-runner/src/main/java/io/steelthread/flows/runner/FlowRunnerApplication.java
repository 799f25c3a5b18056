package io.steelthread.flows.runner;

import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.cloud.task.configuration.EnableTask;

/**
 * The flow runner: Data Flow launches it for every composed task definition ({@code a && b}, transitions, splits)
 * with the definition's {@code graph}; it runs the graph as one Spring Batch job, one step per child task, and
 * exits non-zero when the flow failed.
 */
@SpringBootApplication
@EnableTask
@EnableBatchProcessing
@ConfigurationPropertiesScan
public class FlowRunnerApplication {

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(FlowRunnerApplication.class, args)));
    }
}
