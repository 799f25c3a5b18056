package io.steelthread.dataflow.client;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.dataflow.model.DefinitionException;
import io.steelthread.dataflow.model.Definitions;

import org.springframework.cloud.dataflow.core.ApplicationType;
import org.springframework.cloud.dataflow.rest.client.DataFlowClientException;
import org.springframework.cloud.dataflow.rest.client.DataFlowOperations;
import org.springframework.cloud.dataflow.rest.resource.AppInstanceStatusResource;
import org.springframework.cloud.dataflow.rest.resource.AppRegistrationResource;
import org.springframework.cloud.dataflow.rest.resource.AppStatusResource;
import org.springframework.cloud.dataflow.rest.resource.ScheduleInfoResource;
import org.springframework.cloud.dataflow.rest.resource.StreamDefinitionResource;
import org.springframework.cloud.dataflow.rest.resource.TaskDefinitionResource;
import org.springframework.cloud.dataflow.rest.resource.TaskExecutionResource;

/**
 * The pipeline's definitions on a Data Flow server, through its REST client: apply them (register, create, deploy;
 * only what differs), launch tasks and wait for their exit codes, show status and logs, stop, undeploy, destroy.
 */
public final class PipelineClient {

    /** Marks what apply created, and what it was created from (see {@link Definitions.Stream#fingerprint()}). */
    static final String DESCRIPTION = "steelthread ";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataFlowOperations dataFlow;
    private final PrintStream out;

    public PipelineClient(DataFlowOperations dataFlow, PrintStream out) {
        this.dataFlow = dataFlow;
        this.out = out;
    }

    /** Compares the definitions with the server; nothing is changed until the plan's steps run. */
    public Plan plan(Definitions definitions) {
        return plan(definitions, true);
    }

    /** @param schedules whether schedules.properties is applied too */
    public Plan plan(Definitions definitions, boolean schedules) {
        Plan plan = new Plan();
        Map<String, String> registered = new HashMap<>();
        for (AppRegistrationResource app : dataFlow.appRegistryOperations().list()) {
            registered.put(app.getType() + "." + app.getName(), app.getUri());
        }
        for (Definitions.App app : definitions.apps()) {
            String current = registered.get(app.type() + "." + app.name());
            Runnable register = () -> dataFlow.appRegistryOperations().register(app.name(),
                    ApplicationType.valueOf(app.type()), app.uri(), null, true);
            plan.add("app", app.type() + "." + app.name(), current == null ? "add" : current.equals(app.uri())
                    ? "unchanged" : "change", app.uri(), register);
        }

        Map<String, TaskDefinitionResource> tasks = new HashMap<>();
        dataFlow.taskOperations().list().forEach(t -> tasks.put(t.getName(), t));
        List<String> changedTasks = new ArrayList<>();
        for (Definitions.Task task : definitions.tasks()) {
            TaskDefinitionResource current = tasks.get(task.name());
            String description = DESCRIPTION + task.fingerprint();
            Runnable create = () -> dataFlow.taskOperations().create(task.name(), task.dsl(), description);
            String detail = task.declared() + " (+ pipeline.properties)";
            if (current == null) {
                plan.add("task", task.name(), "add", detail, create);
            }
            else if (!description.equals(current.getDescription())) {
                changedTasks.add(task.name());
                plan.add("task", task.name(), "change", detail, () -> {
                    dataFlow.taskOperations().destroy(task.name());
                    create.run();
                });
            }
            else {
                plan.add("task", task.name(), "unchanged", "", () -> { });
            }
        }

        if (schedules) {
            planSchedules(definitions, plan, changedTasks);
        }

        Map<String, StreamDefinitionResource> streams = new HashMap<>();
        dataFlow.streamOperations().list().forEach(s -> streams.put(s.getName(), s));
        for (Definitions.Stream stream : definitions.streams()) {
            StreamDefinitionResource current = streams.get(stream.name());
            String description = DESCRIPTION + stream.fingerprint();
            Runnable createAndDeploy = () -> {
                dataFlow.streamOperations().createStream(stream.name(), stream.dsl(), description, false);
                deploy(stream);
            };
            if (current == null) {
                plan.add("stream", stream.name(), "add", stream.dsl() + " (and deploy)", createAndDeploy);
            }
            else if (!description.equals(current.getDescription())) {
                plan.add("stream", stream.name(), "change", stream.dsl() + " (redeploy)", () -> {
                    undeploy(stream.name());
                    dataFlow.streamOperations().destroy(stream.name());
                    createAndDeploy.run();
                });
            }
            else if (!"deployed".equals(current.getStatus()) && !"deploying".equals(current.getStatus())) {
                plan.add("stream", stream.name(), "deploy", "(" + current.getStatus() + ")", () -> deploy(stream));
            }
            else {
                plan.add("stream", stream.name(), "unchanged", "(" + current.getStatus() + ")", () -> { });
            }
        }
        return plan;
    }

    /**
     * Schedules of schedules.properties through Data Flow's schedules API (the same requests work on any platform
     * with a scheduler): added, re-created when their task, cron or arguments changed or their task was re-created,
     * deleted when they schedule a task of tasks.dsl but are no longer declared. Skipped, with a line saying so,
     * when the server has scheduling off.
     */
    private void planSchedules(Definitions definitions, Plan plan, List<String> changedTasks) {
        if (!dataFlow.aboutOperation().get().getFeatureInfo().isSchedulesEnabled()) {
            if (!definitions.schedules().isEmpty()) {
                plan.add("schedule", "*", "unchanged", "(scheduling is off on this server: schedules.properties not "
                        + "applied)", () -> { });
            }
            return;
        }
        Map<String, ScheduleInfoResource> current = new HashMap<>();
        dataFlow.schedulerOperations().list().forEach(s -> current.put(s.getScheduleName(), s));
        for (Definitions.Schedule schedule : definitions.schedules()) {
            ScheduleInfoResource existing = current.remove(schedule.name());
            String detail = schedule.cron() + " " + schedule.task()
                    + (schedule.arguments().isEmpty() ? "" : " " + String.join(" ", schedule.arguments()));
            Runnable create = () -> dataFlow.schedulerOperations().schedule(schedule.name(), schedule.task(),
                    schedule.properties(), schedule.arguments());
            if (existing == null) {
                plan.add("schedule", schedule.name(), "add", detail, create);
            }
            else if (!schedule.task().equals(existing.getTaskDefinitionName())
                    || !schedule.cron().equals(existing.getScheduleProperties().get(CRON_EXPRESSION))
                    || changedTasks.contains(schedule.task())
                    || !argumentsMatch(schedule, existing)) {
                plan.add("schedule", schedule.name(), "change", detail, () -> {
                    unscheduleIfPresent(schedule.name());
                    create.run();
                });
            }
            else {
                plan.add("schedule", schedule.name(), "unchanged", "", () -> { });
            }
        }
        current.values().stream()
                .filter(s -> definitions.tasks().stream().anyMatch(t -> t.name().equals(s.getTaskDefinitionName())))
                .forEach(s -> plan.add("schedule", s.getScheduleName(), "delete", "(not in schedules.properties)",
                        () -> unscheduleIfPresent(s.getScheduleName())));
    }

    static final String CRON_EXPRESSION = "spring.cloud.scheduler.cron.expression";
    /** What the local scheduler reports of a schedule's arguments (other platforms may not report them). */
    static final String ARGUMENTS = "spring.cloud.scheduler.arguments";

    private static boolean argumentsMatch(Definitions.Schedule schedule, ScheduleInfoResource existing) {
        String reported = existing.getScheduleProperties().get(ARGUMENTS);
        return reported == null || reported.equals(String.join(" ", schedule.arguments()));
    }

    /** Data Flow deletes a task's schedules with the task; a re-created task's schedule may be gone already. */
    private void unscheduleIfPresent(String name) {
        try {
            dataFlow.schedulerOperations().unschedule(name);
        }
        catch (DataFlowClientException e) {
            if (!e.getMessage().contains("not found") && !e.getMessage().contains("NoSuchSchedule")) {
                throw e;
            }
        }
    }

    /**
     * Prints the plan and, unless {@code dryRun}, runs its steps in order. A step the server rejects stops the
     * apply with the server's message, naming the definition and what was applied before it.
     */
    public void apply(Definitions definitions, boolean dryRun) {
        apply(definitions, dryRun, true);
    }

    /** @param schedules whether schedules.properties is applied too (the demo leaves them alone) */
    public void apply(Definitions definitions, boolean dryRun, boolean schedules) {
        Plan plan = plan(definitions, schedules);
        out.println("Data Flow plan (" + plan.changes().size() + " change" + (plan.changes().size() == 1 ? "" : "s")
                + (dryRun ? ", dry run" : "") + "):");
        plan.steps().forEach(out::println);
        if (dryRun) {
            return;
        }
        List<String> applied = new ArrayList<>();
        for (Plan.Step step : plan.changes()) {
            try {
                step.apply().run();
            }
            catch (DataFlowClientException | DefinitionException e) {
                String file = step.kind().equals("app") ? "apps.properties"
                        : step.kind().equals("stream") ? "streams.dsl"
                        : step.kind().equals("schedule") ? "schedules.properties" : "tasks.dsl";
                throw new ApplyException("Data Flow rejected " + step.kind() + " '" + step.name()
                        + "' (dataflow/definitions/" + file + "): " + e.getMessage()
                        + (applied.isEmpty() ? "; nothing was applied before it" : "; applied before it: " + applied), e);
            }
            applied.add(step.action() + " " + step.kind() + " " + step.name());
        }
        out.println("applied " + applied.size() + " change" + (applied.size() == 1 ? "" : "s"));
    }

    /** Deploys a stream and waits until Skipper reports it deployed (its apps healthy). */
    public void deploy(Definitions.Stream stream) {
        dataFlow.streamOperations().deploy(stream.name(), stream.deployProperties());
        awaitStreamStatus(stream.name(), "deployed", Duration.ofMinutes(3));
    }

    /** Undeploys a stream and waits until the server reports it undeployed. */
    public void undeploy(String stream) {
        dataFlow.streamOperations().undeploy(stream);
        awaitStreamStatus(stream, "undeployed", Duration.ofMinutes(2));
    }

    private void awaitStreamStatus(String stream, String wanted, Duration timeout) {
        long start = System.nanoTime();
        long lastPrint = start;
        String status = "?";
        while (System.nanoTime() - start < timeout.toNanos()) {
            status = dataFlow.streamOperations().getStreamDefinition(stream).getStatus();
            if (wanted.equals(status)) {
                out.printf("  stream %s %s in %.1f s%n", stream, wanted, (System.nanoTime() - start) / 1e9);
                return;
            }
            if (status.equals("failed") && wanted.equals("deployed")) {
                throw new ApplyException("stream " + stream + " failed to deploy:\n" + appStates(stream), null);
            }
            if (System.nanoTime() - lastPrint > Duration.ofSeconds(10).toNanos()) {
                out.printf("  stream %s %s after %.0f s ...%n", stream, status, (System.nanoTime() - start) / 1e9);
                lastPrint = System.nanoTime();
            }
            sleep(Duration.ofMillis(500));
        }
        throw new ApplyException("stream " + stream + " still " + status + " after " + timeout.toSeconds() + " s, not "
                + wanted + ":\n" + appStates(stream), null);
    }

    /** The stream's app instances as the deployer reports them: state, pid, URL, log file. */
    public List<AppInstance> instances(String stream) {
        List<AppInstance> instances = new ArrayList<>();
        for (AppStatusResource app : dataFlow.runtimeOperations().status()) {
            if (!app.getDeploymentId().startsWith(stream + ".")) {
                continue;
            }
            for (AppInstanceStatusResource i : app.getInstances()) {
                Map<String, String> a = i.getAttributes() == null ? Map.of() : i.getAttributes();
                instances.add(new AppInstance(app.getDeploymentId(), i.getInstanceId(), i.getState(), a.get("url"),
                        a.get("stdout"), a.get("working.dir")));
            }
        }
        return instances;
    }

    /** One running copy of a stream app; {@code workingDir} is where a local deployer runs it. */
    public record AppInstance(String deploymentId, String instanceId, String state, String url, String log,
            String workingDir) {
    }

    private String appStates(String stream) {
        StringBuilder b = new StringBuilder();
        for (AppInstance i : instances(stream)) {
            b.append("  ").append(i.instanceId()).append(' ').append(i.state()).append(" log ").append(i.log()).append('\n');
        }
        return b.toString();
    }

    /** Launches a task with its deployer properties; returns the execution id. */
    public long launch(Definitions definitions, String task, List<String> arguments) {
        return dataFlow.taskOperations().launch(task, launchProperties(definitions, definitions.task(task)), arguments,
                null);
    }

    /**
     * The deployer properties of pipeline.properties for a launch: {@code deployer.<app>.…} as they are for a task,
     * and for a flow once per child running that app ({@code deployer.<flow>.<label>.…}).
     */
    static Map<String, String> launchProperties(Definitions definitions, Definitions.Task task) {
        if (!task.isFlow()) {
            return new LinkedHashMap<>(definitions.taskDeployer());
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (Definitions.FlowChild child : task.children()) {
            String prefix = "deployer." + child.app() + ".";
            definitions.taskDeployer().forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    properties.put("deployer." + task.name() + "." + child.label() + "." + key.substring(prefix.length()),
                            value);
                }
            });
        }
        return properties;
    }

    /** A schedule as the server lists it; {@code next} is "-" where the platform does not report it. */
    public record ScheduleStatus(String name, String task, String cron, String next) {
    }

    /** The server's schedules; none when it has scheduling off. */
    public List<ScheduleStatus> schedules() {
        if (!dataFlow.aboutOperation().get().getFeatureInfo().isSchedulesEnabled()) {
            return List.of();
        }
        List<ScheduleStatus> schedules = new ArrayList<>();
        dataFlow.schedulerOperations().list().forEach(s -> schedules.add(new ScheduleStatus(s.getScheduleName(),
                s.getTaskDefinitionName(), s.getScheduleProperties().getOrDefault(CRON_EXPRESSION, "-"),
                s.getScheduleProperties().getOrDefault("spring.cloud.scheduler.next-fire-time", "-"))));
        return schedules;
    }

    /** The executions a flow's execution launched (its children, {@code <flow>-<label>}), oldest first. */
    public List<TaskExecutionResource> children(Definitions.Task flow, long parentExecutionId) {
        List<TaskExecutionResource> children = new ArrayList<>();
        for (Definitions.FlowChild child : flow.children()) {
            dataFlow.taskOperations().executionListByTaskName(flow.name() + "-" + child.label()).forEach(e -> {
                if (e.getParentExecutionId() != null && e.getParentExecutionId() == parentExecutionId) {
                    children.add(e);
                }
            });
        }
        children.sort(java.util.Comparator.comparingLong(TaskExecutionResource::getExecutionId));
        return children;
    }

    /** Waits for an execution to end, printing progress; returns its final record. */
    public TaskExecutionResource await(long executionId, Duration timeout) {
        long start = System.nanoTime();
        long lastPrint = start;
        while (true) {
            TaskExecutionResource e = dataFlow.taskOperations().taskExecutionStatus(executionId);
            if (e.getEndTime() != null) {
                return e;
            }
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new ApplyException("task execution " + executionId + " (" + e.getTaskName() + ") still running after "
                        + timeout.toSeconds() + " s", null);
            }
            if (System.nanoTime() - lastPrint > Duration.ofSeconds(15).toNanos()) {
                out.printf("  %s (execution %d) running for %.0f s ...%n", e.getTaskName(), executionId,
                        (System.nanoTime() - start) / 1e9);
                lastPrint = System.nanoTime();
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    public TaskExecutionResource execution(long executionId) {
        return dataFlow.taskOperations().taskExecutionStatus(executionId);
    }

    /** The log of an execution as the platform kept it (stdout and stderr of the task's process). */
    public String log(TaskExecutionResource execution) {
        if (execution.getExternalExecutionId() == null) {
            return "";
        }
        String log = Optional.ofNullable(dataFlow.taskOperations().taskExecutionLog(execution.getExternalExecutionId(),
                execution.getPlatformName() == null ? "default" : execution.getPlatformName())).orElse("");
        // The server answers with the log as a JSON string.
        if (log.startsWith("\"")) {
            try {
                return JSON.readValue(log, String.class);
            }
            catch (JsonProcessingException e) {
                return log;
            }
        }
        return log;
    }

    /** Asks the platform to stop an execution (a local task gets SIGTERM). */
    public void stop(long executionId) {
        dataFlow.taskOperations().stop(String.valueOf(executionId));
    }

    /**
     * Stops a task's running executions and waits for each to end (a streaming task stops between batches);
     * prints each with its exit code.
     */
    public List<TaskExecutionResource> stopRunning(String task, Duration timeout) {
        List<TaskExecutionResource> stopped = new ArrayList<>();
        for (TaskExecutionResource e : running(task)) {
            stop(e.getExecutionId());
            TaskExecutionResource done = await(e.getExecutionId(), timeout);
            out.println(task + " (execution " + e.getExecutionId() + ") stopped, exit code " + done.getExitCode());
            stopped.add(done);
        }
        return stopped;
    }

    /** Running executions of a task. */
    public List<TaskExecutionResource> running(String task) {
        return executions(task).stream().filter(e -> e.getEndTime() == null).toList();
    }

    /** The newest execution of a task. */
    public Optional<TaskExecutionResource> last(String task) {
        return executions(task).stream().max(java.util.Comparator.comparingLong(TaskExecutionResource::getExecutionId));
    }

    public List<TaskExecutionResource> executions(String task) {
        return StreamSupport.stream(dataFlow.taskOperations().executionListByTaskName(task).spliterator(), false)
                .toList();
    }

    public Optional<StreamDefinitionResource> stream(String name) {
        return StreamSupport.stream(dataFlow.streamOperations().list().spliterator(), false)
                .filter(s -> s.getName().equals(name)).findFirst();
    }

    /** Removes the streams, tasks and app registrations of the definitions (undeploying first). */
    public void destroy(Definitions definitions) {
        for (Definitions.Stream s : definitions.streams()) {
            if (stream(s.name()).isPresent()) {
                undeploy(s.name());
                dataFlow.streamOperations().destroy(s.name());
                out.println("  destroyed stream " + s.name());
            }
        }
        for (Definitions.Task t : definitions.tasks()) {
            boolean exists = StreamSupport.stream(dataFlow.taskOperations().list().spliterator(), false)
                    .anyMatch(d -> d.getName().equals(t.name()));
            if (exists) {
                dataFlow.taskOperations().destroy(t.name());
                out.println("  destroyed task " + t.name());
            }
        }
        for (Definitions.App a : definitions.apps()) {
            try {
                dataFlow.appRegistryOperations().unregister(a.name(), ApplicationType.valueOf(a.type()));
                out.println("  unregistered " + a.type() + "." + a.name());
            }
            catch (DataFlowClientException notRegistered) {
                // Already gone.
            }
        }
    }

    /** The last {@code lines} lines of a log. */
    public static String tail(String log, int lines) {
        List<String> all = log.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
