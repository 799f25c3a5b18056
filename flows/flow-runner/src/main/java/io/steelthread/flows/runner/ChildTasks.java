package io.steelthread.flows.runner;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.dataflow.rest.client.TaskOperations;
import org.springframework.cloud.dataflow.rest.resource.TaskExecutionResource;

/**
 * Launches a flow's children through the Data Flow server and waits for their end by reading their execution every
 * poll interval (the stock runner sleeps 10 s between reads). Keeps the running ones, so a stopped flow stops them.
 */
class ChildTasks {

    private static final Logger log = LoggerFactory.getLogger(ChildTasks.class);

    private final TaskOperations tasks;
    private final Duration pollInterval;
    private final Duration maxWait;
    private final Set<Long> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    ChildTasks(TaskOperations tasks, Duration pollInterval, Duration maxWait) {
        this.tasks = tasks;
        this.pollInterval = pollInterval;
        this.maxWait = maxWait;
    }

    long launch(String child, ChildLaunch launch) {
        if (stopping) {
            throw new FlowStoppedException("flow stopped before " + child + " was launched");
        }
        long id = tasks.launch(child, launch.properties(), launch.arguments(), null);
        running.add(id);
        return id;
    }

    /** The child's execution once it has ended. */
    TaskExecutionResource await(String child, long id) throws InterruptedException {
        Instant deadline = maxWait.isZero() ? Instant.MAX : Instant.now().plus(maxWait);
        try {
            while (true) {
                TaskExecutionResource execution = tasks.taskExecutionStatus(id);
                if (execution.getEndTime() != null) {
                    return execution;
                }
                if (Instant.now().isAfter(deadline)) {
                    log.warn("{} (execution {}) still running after {}: stopping it", child, id, maxWait);
                    tasks.stop(String.valueOf(id));
                    deadline = Instant.MAX;
                }
                Thread.sleep(pollInterval.toMillis());
            }
        }
        finally {
            running.remove(id);
        }
    }

    /** Asks Data Flow to stop every child still running; no child is launched after this. */
    void stopAll() {
        stopping = true;
        for (Long id : Set.copyOf(running)) {
            log.info("flow stopping: stopping child execution {}", id);
            try {
                tasks.stop(String.valueOf(id));
            }
            catch (RuntimeException e) {
                log.warn("cannot stop child execution {}: {}", id, e.getMessage());
            }
        }
    }

    static final class FlowStoppedException extends RuntimeException {
        FlowStoppedException(String message) {
            super(message);
        }
    }

    boolean stopping() {
        return stopping;
    }

    boolean anyRunning() {
        return !running.isEmpty();
    }
}
