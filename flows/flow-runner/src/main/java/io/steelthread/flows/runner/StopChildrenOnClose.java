package io.steelthread.flows.runner;

import java.util.concurrent.TimeUnit;

import org.springframework.boot.ExitCodeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Data Flow stops a local task with SIGTERM, which closes this context: the running children are stopped first (no
 * Spark driver outlives the flow that started it), and the steps get up to 30 s to record the children's end while
 * the job repository is still open. The flow's task execution then ends failed: Spring Cloud Task records it after
 * this listener, from the exit code event published here (the job's own failure reaches it too late, on the main
 * thread, when the record is written already).
 */
@Component
class StopChildrenOnClose implements ApplicationListener<ContextClosedEvent>, Ordered {

    private final ChildTasks children;
    private final FlowRun run;

    StopChildrenOnClose(ChildTasks children, FlowRun run) {
        this.children = children;
        this.run = run;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        boolean hadChildren = children.anyRunning();
        children.stopAll();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (children.anyRunning() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long recorded = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (hadChildren && run.failures().isEmpty() && System.nanoTime() < recorded) {
                Thread.sleep(50);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (hadChildren || !run.failures().isEmpty()) {
            if (run.failures().isEmpty()) {
                run.failed("flow stopped");
            }
            event.getApplicationContext().publishEvent(new ExitCodeEvent(event.getApplicationContext(), 1));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
