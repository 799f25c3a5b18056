package io.steelthread.flows.runner;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.cloud.task.listener.TaskExecutionListener;
import org.springframework.cloud.task.repository.TaskExecution;
import org.springframework.stereotype.Component;

/**
 * This run of the flow: its task execution id (the children's parent) and why it failed, which becomes its exit
 * message — Data Flow's execution list then names the child that failed and what it said, not "job failed".
 */
@Component
class FlowRun implements TaskExecutionListener {

    private volatile long executionId = -1;
    private final List<String> failures = new CopyOnWriteArrayList<>();

    long executionId() {
        return executionId;
    }

    void failed(String reason) {
        failures.add(reason);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void onTaskStartup(TaskExecution task) {
        executionId = task.getExecutionId();
    }

    @Override
    public void onTaskEnd(TaskExecution task) {
        if (task.getExitCode() != null && task.getExitCode() != 0 && !failures.isEmpty()) {
            task.setExitMessage(String.join("; ", failures));
        }
    }

    @Override
    public void onTaskFailed(TaskExecution task, Throwable throwable) {
    }
}
