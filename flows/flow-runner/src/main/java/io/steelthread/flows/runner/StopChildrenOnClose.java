package io.steelthread.flows.runner;

import java.util.concurrent.TimeUnit;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Data Flow stops a local task with SIGTERM, which closes this context: the running children are stopped first (no
 * Spark driver outlives the flow that started it), and the steps get up to 30 s to record the children's end while
 * the job repository is still open.
 */
@Component
class StopChildrenOnClose implements ApplicationListener<ContextClosedEvent>, Ordered {

    private final ChildTasks children;

    StopChildrenOnClose(ChildTasks children) {
        this.children = children;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        children.stopAll();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (children.anyRunning() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
