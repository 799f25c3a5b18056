package io.steelthread.pipeline.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.cloud.task.listener.TaskExecutionListener;
import org.springframework.cloud.task.listener.TaskExecutionListenerSupport;
import org.springframework.cloud.task.repository.TaskExecution;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The task's run metrics and the listener that records each run's outcome before the exit push. */
@Configuration(proxyBeanMethods = false)
public class TaskMetricsConfiguration {

    @Bean
    TaskMetrics taskMetrics(MeterRegistry registry) {
        return new TaskMetrics(registry);
    }

    /** Spring Cloud Task records the end (with the exit code) before the context closes and Boot pushes. */
    @Bean
    TaskExecutionListener runOutcomeMetrics(TaskMetrics metrics) {
        return new TaskExecutionListenerSupport() {
            @Override
            public void onTaskEnd(TaskExecution task) {
                boolean success = task.getExitCode() == null || task.getExitCode() == 0;
                metrics.runEnded(success, System.currentTimeMillis());
            }
        };
    }
}
