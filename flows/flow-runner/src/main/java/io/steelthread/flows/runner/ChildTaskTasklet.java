package io.steelthread.flows.runner;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.batch.support.PatternMatcher;
import org.springframework.cloud.dataflow.rest.resource.TaskExecutionResource;
import org.springframework.util.StringUtils;

/**
 * One child of the flow: launched through Data Flow, awaited, and its end turned into the step's exit status, which
 * the flow's transitions match: the child's exit message if it has one, else {@code FAILED} for a non-zero exit code,
 * else {@code COMPLETED}. A child that failed and whose status no transition of its own names fails the step, and
 * so the flow, with a message naming it.
 */
class ChildTaskTasklet implements Tasklet {

    private static final Logger log = LoggerFactory.getLogger(ChildTaskTasklet.class);

    static final String CHILD_EXECUTION_ID = "child.execution-id";

    private final String child;
    private final List<String> transitionStatuses;
    private final ChildTasks children;
    private final FlowRun run;
    private final FlowRunnerProperties properties;

    ChildTaskTasklet(String child, List<String> transitionStatuses, ChildTasks children, FlowRun run,
            FlowRunnerProperties properties) {
        this.child = child;
        this.transitionStatuses = List.copyOf(transitionStatuses);
        this.children = children;
        this.run = run;
        this.properties = properties;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        ChildLaunch launch = ChildLaunch.of(child, properties.composedTaskProperties(),
                properties.composedTaskArguments(), run.executionId());
        long started = System.nanoTime();
        long id;
        try {
            id = children.launch(child, launch);
        }
        catch (ChildTasks.FlowStoppedException e) {
            run.failed(e.getMessage());
            throw e;
        }
        catch (RuntimeException e) {
            String reason = "cannot launch " + child + ": " + e.getMessage();
            run.failed(reason);
            throw new ChildTaskFailedException(reason, e);
        }
        chunkContext.getStepContext().getStepExecution().getExecutionContext().putLong(CHILD_EXECUTION_ID, id);
        log.info("{} launched: execution {}", child, id);
        TaskExecutionResource end = children.await(child, id);
        int exitCode = end.getExitCode() == null ? -1 : end.getExitCode();
        String status = status(end);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        log.info("{} (execution {}) ended after {} s: exit code {}, status {}", child, id,
                String.format("%.1f", took.toMillis() / 1000.0), exitCode, status);
        if (children.stopping()) {
            // A stopped child may end with exit code 0 (it stops cleanly on SIGTERM); the flow must not go on.
            String reason = "flow stopped while " + child + " (execution " + id + ") was running";
            run.failed(reason);
            throw new ChildTaskFailedException(reason, null);
        }
        if (exitCode != 0 && transitionStatuses.stream().noneMatch(p -> PatternMatcher.match(p, status))) {
            String reason = child + " (execution " + id + ") failed with exit code " + exitCode + reason(end);
            run.failed(reason);
            throw new ChildTaskFailedException(reason, null);
        }
        contribution.setExitStatus(new ExitStatus(status, "child execution " + id));
        return RepeatStatus.FINISHED;
    }

    /** The status the flow's transitions match. */
    static String status(TaskExecutionResource end) {
        if (StringUtils.hasText(end.getExitMessage())) {
            return end.getExitMessage();
        }
        return end.getExitCode() == null || end.getExitCode() != 0 ? ExitStatus.FAILED.getExitCode()
                : ExitStatus.COMPLETED.getExitCode();
    }

    private static String reason(TaskExecutionResource end) {
        String text = StringUtils.hasText(end.getExitMessage()) ? end.getExitMessage() : end.getErrorMessage();
        return StringUtils.hasText(text) ? ": " + text.lines().findFirst().orElse("") : "";
    }

    static final class ChildTaskFailedException extends RuntimeException {
        ChildTaskFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
