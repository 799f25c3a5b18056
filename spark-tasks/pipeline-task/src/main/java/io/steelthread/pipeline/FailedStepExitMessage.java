package io.steelthread.pipeline;

import java.util.ArrayList;
import java.util.List;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.cloud.task.listener.TaskExecutionListener;
import org.springframework.cloud.task.repository.TaskExecution;
import org.springframework.cloud.task.repository.TaskExplorer;
import org.springframework.stereotype.Component;

/**
 * A failed task's exit message is the reason its step failed ({@code hive.default.purchases has 30 rows in
 * Presto, expected 31}), so Data Flow's task execution, its dashboard and {@code dataflow launch} show why, not
 * only Spring Batch's "job failed".
 */
@Component
class FailedStepExitMessage implements TaskExecutionListener {

    private final TaskExplorer tasks;
    private final JobExplorer jobs;

    FailedStepExitMessage(TaskExplorer tasks, JobExplorer jobs) {
        this.tasks = tasks;
        this.jobs = jobs;
    }

    @Override
    public void onTaskEnd(TaskExecution task) {
        if (task.getExitCode() == null || task.getExitCode() == 0) {
            return;
        }
        List<String> reasons = new ArrayList<>();
        for (Long id : tasks.getJobExecutionIdsByTaskExecutionId(task.getExecutionId())) {
            JobExecution job = jobs.getJobExecution(id);
            if (job == null) {
                continue;
            }
            for (StepExecution step : job.getStepExecutions()) {
                if (step.getStatus() == BatchStatus.FAILED) {
                    reasons.add(step.getStepName() + ": " + reason(step));
                }
            }
        }
        if (!reasons.isEmpty()) {
            task.setExitMessage(String.join("; ", reasons));
        }
    }

    /** The failure's message: the first line of the step's exit description, without the exception's class. */
    static String reason(StepExecution step) {
        Throwable failure = step.getFailureExceptions().isEmpty() ? null : step.getFailureExceptions().get(0);
        if (failure != null && failure.getMessage() != null) {
            return failure.getMessage().lines().findFirst().orElse("");
        }
        String first = step.getExitStatus().getExitDescription().lines().findFirst().orElse("failed");
        int colon = first.indexOf(": ");
        return colon > 0 && !first.substring(0, colon).contains(" ") ? first.substring(colon + 2) : first;
    }

    @Override
    public void onTaskStartup(TaskExecution task) {
    }

    @Override
    public void onTaskFailed(TaskExecution task, Throwable throwable) {
    }
}
