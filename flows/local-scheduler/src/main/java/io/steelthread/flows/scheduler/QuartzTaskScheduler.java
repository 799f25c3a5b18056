package io.steelthread.flows.scheduler;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.deployer.spi.scheduler.CreateScheduleException;
import org.springframework.cloud.deployer.spi.scheduler.ScheduleInfo;
import org.springframework.cloud.deployer.spi.scheduler.ScheduleRequest;
import org.springframework.cloud.deployer.spi.scheduler.Scheduler;
import org.springframework.cloud.deployer.spi.scheduler.SchedulerException;
import org.springframework.cloud.deployer.spi.scheduler.SchedulerPropertyKeys;
import org.springframework.cloud.deployer.spi.scheduler.UnScheduleException;

/**
 * Data Flow's scheduler SPI on Quartz: a schedule is a Quartz job (what to launch) with one cron trigger, both kept
 * in Data Flow's database, so schedules survive a restart and the dashboard, the REST API and the shell see them.
 * <p>
 * Per schedule ({@code scheduler.*} properties of {@code POST /tasks/schedules}): {@code cron.expression} (five
 * fields, or Quartz's six or seven), {@code time-zone} (default UTC), {@code misfire} ({@code run-once}, the default:
 * a firing missed while the server was down runs once at start-up; {@code skip}). A schedule launches its task with
 * its arguments and deployer properties; {@code app.*} properties given to the schedule are not carried (the local
 * platform launches through the server, which applies the definition's own): put them in the definition or pass
 * them as arguments.
 */
class QuartzTaskScheduler implements Scheduler {

    private static final Logger log = LoggerFactory.getLogger(QuartzTaskScheduler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String GROUP = "dataflow";
    static final String TIME_ZONE = SchedulerPropertyKeys.PREFIX + "time-zone";
    static final String MISFIRE = SchedulerPropertyKeys.PREFIX + "misfire";
    static final String NEXT_FIRE_TIME = SchedulerPropertyKeys.PREFIX + "next-fire-time";
    static final String PREVIOUS_FIRE_TIME = SchedulerPropertyKeys.PREFIX + "previous-fire-time";
    static final String LAST_EXECUTION = SchedulerPropertyKeys.PREFIX + "last-execution-id";
    static final String SKIPPED = SchedulerPropertyKeys.PREFIX + "skipped-firings";
    static final String ARGUMENTS = SchedulerPropertyKeys.PREFIX + "arguments";
    private static final String DEPLOYER_PREFIX = "spring.cloud.deployer.";

    private final org.quartz.Scheduler quartz;

    QuartzTaskScheduler(org.quartz.Scheduler quartz) {
        this.quartz = quartz;
    }

    @Override
    public void schedule(ScheduleRequest request) {
        String name = request.getScheduleName();
        Map<String, String> settings = request.getSchedulerProperties();
        try {
            String cron = settings.get(SchedulerPropertyKeys.CRON_EXPRESSION);
            String quartzCron = CronExpressions.toQuartz(cron);
            TimeZone zone = TimeZone.getTimeZone(ZoneId.of(settings.getOrDefault(TIME_ZONE, "UTC")));
            String misfire = settings.getOrDefault(MISFIRE, "run-once");
            if (!misfire.equals("run-once") && !misfire.equals("skip")) {
                throw new IllegalArgumentException("scheduler.misfire is run-once or skip, not '" + misfire + "'");
            }
            boolean skipMissed = misfire.equals("skip");
            JobKey key = JobKey.jobKey(name, GROUP);
            if (quartz.checkExists(key)) {
                throw new IllegalArgumentException("a schedule named '" + name + "' exists already");
            }
            JobDetail job = JobBuilder.newJob(LaunchScheduledTask.class).withIdentity(key)
                    .withDescription("cron " + cron + " " + zone.getID())
                    .usingJobData(LaunchScheduledTask.TASK, request.getDefinition().getName())
                    .usingJobData(LaunchScheduledTask.ARGUMENTS, JSON.writeValueAsString(request.getCommandlineArguments()))
                    .usingJobData(LaunchScheduledTask.PROPERTIES, JSON.writeValueAsString(launchProperties(request)))
                    .usingJobData(SchedulerPropertyKeys.CRON_EXPRESSION, cron.trim())
                    .usingJobData(TIME_ZONE, zone.getID())
                    .usingJobData(MISFIRE, skipMissed ? "skip" : "run-once")
                    .build();
            CronScheduleBuilder schedule = CronScheduleBuilder.cronSchedule(quartzCron).inTimeZone(zone);
            schedule = skipMissed ? schedule.withMisfireHandlingInstructionDoNothing()
                    : schedule.withMisfireHandlingInstructionFireAndProceed();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity(TriggerKey.triggerKey(name, GROUP)).forJob(job)
                    .withSchedule(schedule).build();
            Date first = quartz.scheduleJob(job, trigger);
            log.info("schedule '{}' created: task {}, cron '{}' ({}), first firing {}", name,
                    request.getDefinition().getName(), cron.trim(), zone.getID(), first.toInstant());
        }
        catch (IllegalArgumentException | JsonProcessingException | org.quartz.SchedulerException e) {
            throw new CreateScheduleException("cannot create schedule '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * The deployer properties the server resolved for the schedule, in the form a launch takes them again
     * ({@code deployer.*.local.javaOpts=…}).
     */
    static Map<String, String> launchProperties(ScheduleRequest request) {
        Map<String, String> launch = new LinkedHashMap<>();
        request.getDeploymentProperties().forEach((key, value) -> {
            if (key.startsWith(DEPLOYER_PREFIX)) {
                launch.put("deployer.*." + key.substring(DEPLOYER_PREFIX.length()), value);
            }
        });
        return launch;
    }

    @Override
    public void unschedule(String scheduleName) {
        try {
            if (!quartz.deleteJob(JobKey.jobKey(scheduleName, GROUP))) {
                throw new UnScheduleException("no schedule named '" + scheduleName + "'");
            }
            log.info("schedule '{}' deleted", scheduleName);
        }
        catch (org.quartz.SchedulerException e) {
            throw new UnScheduleException("cannot delete schedule '" + scheduleName + "': " + e.getMessage(), e);
        }
    }

    @Override
    public List<ScheduleInfo> list(String taskDefinitionName) {
        return list().stream().filter(s -> s.getTaskDefinitionName().equals(taskDefinitionName))
                .collect(java.util.stream.Collectors.toList());
    }

    @Override
    public List<ScheduleInfo> list() {
        try {
            List<ScheduleInfo> schedules = new ArrayList<>();
            for (JobKey key : quartz.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
                JobDetail job = quartz.getJobDetail(key);
                if (job == null) {
                    continue;
                }
                schedules.add(info(job, (CronTrigger) quartz.getTrigger(TriggerKey.triggerKey(key.getName(), GROUP))));
            }
            schedules.sort(java.util.Comparator.comparing(ScheduleInfo::getScheduleName));
            return schedules;
        }
        catch (org.quartz.SchedulerException e) {
            throw new SchedulerException("cannot list schedules: " + e.getMessage(), e);
        }
    }

    private static List<String> arguments(String json) {
        try {
            return JSON.readValue(json, new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { });
        }
        catch (JsonProcessingException e) {
            throw new SchedulerException("unreadable arguments of a schedule: " + json, e);
        }
    }

    private static ScheduleInfo info(JobDetail job, CronTrigger trigger) {
        JobDataMap data = job.getJobDataMap();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(SchedulerPropertyKeys.CRON_EXPRESSION, data.getString(SchedulerPropertyKeys.CRON_EXPRESSION));
        properties.put(TIME_ZONE, data.getString(TIME_ZONE));
        properties.put(MISFIRE, data.getString(MISFIRE));
        properties.put(ARGUMENTS, String.join(" ", arguments(data.getString(LaunchScheduledTask.ARGUMENTS))));
        if (trigger != null && trigger.getNextFireTime() != null) {
            properties.put(NEXT_FIRE_TIME, trigger.getNextFireTime().toInstant().toString());
        }
        if (trigger != null && trigger.getPreviousFireTime() != null) {
            properties.put(PREVIOUS_FIRE_TIME, trigger.getPreviousFireTime().toInstant().toString());
        }
        if (data.containsKey(LaunchScheduledTask.LAST_EXECUTION)) {
            properties.put(LAST_EXECUTION, String.valueOf(data.getLong(LaunchScheduledTask.LAST_EXECUTION)));
        }
        if (data.containsKey(LaunchScheduledTask.SKIPPED)) {
            properties.put(SKIPPED, String.valueOf(data.getInt(LaunchScheduledTask.SKIPPED)));
        }
        ScheduleInfo info = new ScheduleInfo();
        info.setScheduleName(job.getKey().getName());
        info.setTaskDefinitionName(data.getString(LaunchScheduledTask.TASK));
        info.setScheduleProperties(properties);
        return info;
    }
}
