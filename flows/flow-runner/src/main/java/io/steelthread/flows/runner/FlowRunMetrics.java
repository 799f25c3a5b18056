package io.steelthread.flows.runner;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.cloud.task.listener.TaskExecutionListenerSupport;
import org.springframework.cloud.task.repository.TaskExecution;
import org.springframework.stereotype.Component;

/**
 * The flow's outcome as the same gauges every pipeline task pushes ({@code steelthread_task_last_run_success},
 * its time, the last success's time), so one alert covers a failed task and a failed flow. Each child's step is
 * in Spring Batch's own {@code spring.batch.step} timer (name = the child, status).
 */
@Component
class FlowRunMetrics extends TaskExecutionListenerSupport {

    private final MeterRegistry registry;

    FlowRunMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Spring Cloud Task records the end (with the exit code) before the context closes and Boot pushes. */
    @Override
    public void onTaskEnd(TaskExecution task) {
        boolean success = task.getExitCode() == null || task.getExitCode() == 0;
        long now = System.currentTimeMillis();
        gauge("steelthread.task.last.run.success", "1 if the flow's last run succeeded, 0 if it failed", success ? 1 : 0);
        gauge("steelthread.task.last.run.timestamp.seconds", "When the flow's last run ended", now / 1000);
        if (success) {
            gauge("steelthread.task.last.success.timestamp.seconds", "When the flow last succeeded", now / 1000);
        }
    }

    private void gauge(String name, String description, long value) {
        Gauge.builder(name, new AtomicLong(value), AtomicLong::get).description(description).strongReference(true)
                .register(registry);
    }
}
