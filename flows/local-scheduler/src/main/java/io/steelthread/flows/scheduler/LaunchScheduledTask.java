package io.steelthread.flows.scheduler;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.PersistJobDataAfterExecution;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One firing of a schedule: launches its task through the server, unless the task this schedule launched last is
 * still running (then the firing is skipped and logged: never two overlapping runs of one schedule).
 */
@DisallowConcurrentExecution
@PersistJobDataAfterExecution
public class LaunchScheduledTask implements Job {

    private static final Logger log = LoggerFactory.getLogger(LaunchScheduledTask.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String TASK = "task";
    static final String ARGUMENTS = "arguments";
    static final String PROPERTIES = "deployment-properties";
    static final String LAST_EXECUTION = "last-execution-id";
    static final String SKIPPED = "skipped-firings";
    static final String SERVER_TASKS = "serverTasks";

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getJobDetail().getJobDataMap();
        String schedule = context.getJobDetail().getKey().getName();
        String task = data.getString(TASK);
        try {
            ServerTasks server = (ServerTasks) context.getScheduler().getContext().get(SERVER_TASKS);
            if (data.containsKey(LAST_EXECUTION) && server.running(data.getLong(LAST_EXECUTION))) {
                int skipped = data.containsKey(SKIPPED) ? data.getInt(SKIPPED) + 1 : 1;
                data.put(SKIPPED, skipped);
                log.warn("schedule '{}': firing of {} skipped: task {} is still running as execution {} "
                        + "(skipped firings: {})", schedule, context.getScheduledFireTime().toInstant(), task,
                        data.getLong(LAST_EXECUTION), skipped);
                return;
            }
            List<String> arguments = JSON.readValue(data.getString(ARGUMENTS), new TypeReference<List<String>>() { });
            Map<String, String> properties = JSON.readValue(data.getString(PROPERTIES),
                    new TypeReference<Map<String, String>>() { });
            long id = server.launch(task, properties, arguments);
            data.put(LAST_EXECUTION, id);
            log.info("schedule '{}': firing of {} launched task {} as execution {}", schedule,
                    context.getScheduledFireTime().toInstant(), task, id);
        }
        catch (SchedulerException | java.io.IOException | RuntimeException e) {
            log.error("schedule '{}': firing of {} could not launch task {}: {}", schedule,
                    context.getScheduledFireTime().toInstant(), task, e.getMessage());
            throw new JobExecutionException("schedule '" + schedule + "' could not launch task " + task, e, false);
        }
    }
}
