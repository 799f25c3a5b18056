package io.steelthread.flows.scheduler;

import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.quartz.Trigger.CompletedExecutionInstruction;
import org.quartz.TriggerListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A firing missed while the server was down (or too busy) is reported, with what happens to it: run once now or
 * skipped, as the schedule's {@code scheduler.misfire} says. Quartz finds them when the scheduler starts.
 */
class MisfireReport implements TriggerListener {

    private static final Logger log = LoggerFactory.getLogger(MisfireReport.class);

    @Override
    public String getName() {
        return "steelthread-misfire-report";
    }

    @Override
    public void triggerMisfired(Trigger trigger) {
        boolean runOnce = trigger.getMisfireInstruction() != org.quartz.CronTrigger.MISFIRE_INSTRUCTION_DO_NOTHING;
        log.warn("schedule '{}' missed its firing at {}: {}", trigger.getKey().getName(),
                trigger.getNextFireTime() == null ? "?" : trigger.getNextFireTime().toInstant(),
                runOnce ? "running it once now (scheduler.misfire=run-once)" : "skipped (scheduler.misfire=skip)");
    }

    @Override
    public void triggerFired(Trigger trigger, JobExecutionContext context) {
    }

    @Override
    public boolean vetoJobExecution(Trigger trigger, JobExecutionContext context) {
        return false;
    }

    @Override
    public void triggerComplete(Trigger trigger, JobExecutionContext context, CompletedExecutionInstruction instruction) {
    }
}
