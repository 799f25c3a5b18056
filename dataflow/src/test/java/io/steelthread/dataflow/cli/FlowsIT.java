package io.steelthread.dataflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.localstack.Ports;
import io.steelthread.localstack.cli.LocalStack;
import io.steelthread.localstack.cli.StackSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.cloud.dataflow.core.ApplicationType;
import org.springframework.cloud.dataflow.rest.client.DataFlowTemplate;
import org.springframework.cloud.dataflow.rest.resource.TaskExecutionResource;

/**
 * Flows and schedules on the real Data Flow server as the local stack starts it (flows/flow-runner as its
 * composed-task runner, flows/local-scheduler on its loader path), with the probe task as the children: what runs,
 * in which order, with which exit, what a stop leaves, what a re-run resumes; a schedule created the way the
 * dashboard creates it fires, skips an overlapping firing, survives a restart and reports the firing it missed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlowsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path home;
    static Path markers;
    static LocalStack stack;
    static DataFlowTemplate dataFlow;
    static Instant scheduleCreated;
    /** Quartz's format (seconds first), which the local scheduler takes beside Unix cron's five fields. */
    static final String CRON = "0/30 * * * * ?";

    @BeforeAll
    static void dataFlowWithTheFlowRunnerAndTheLocalScheduler() throws Exception {
        StringBuilder props = new StringBuilder();
        for (String key : List.of("dataflow.port", "skipper.port")) {
            props.append(key).append('=').append(Ports.free()).append('\n');
        }
        Files.writeString(home.resolve("stack.properties"), props.toString());
        markers = Files.createDirectories(home.resolve("markers"));
        stack = new LocalStack(settings(), new PrintStream(new ByteArrayOutputStream()));
        stack.up(List.of("dataflow"));
        dataFlow = new DataFlowTemplate(URI.create(settings().dataflowUri()));
        dataFlow.appRegistryOperations().register("probe", ApplicationType.task,
                settings().appJar("flows/probe-task").toUri().toString(), null, true);

        // The schedule first: its firings come while the flows run. Its task outlives the 30 s between firings, so
        // the next firing finds it running. (Every 30 s rather than every minute: each wait below is halved.)
        create("sched", "probe --probe.sleep=35s --probe.marker=" + marker("sched"));
        HttpResponse<String> created = post("/tasks/schedules", Map.of("scheduleName", "every-30s",
                "taskDefinitionName", "sched", "properties", "scheduler.cron.expression=" + CRON,
                "arguments", "--from=schedule"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        scheduleCreated = Instant.now();
    }

    @AfterAll
    static void down() {
        if (stack != null) {
            stack.down(false);
        }
    }

    @Test
    @Order(1)
    void aSequenceRunsEachChildAfterTheOtherAndEndsWithExitCodeZero() throws Exception {
        create("seq", "a: probe --probe.sleep=2s --probe.marker=" + marker("seq") + " && b: probe --probe.sleep=2s "
                + "--probe.marker=" + marker("seq") + " && c: probe --probe.sleep=2s --probe.marker=" + marker("seq"));
        TaskExecutionResource flow = launchAndAwait("seq", Map.of());
        assertThat(flow.getExitCode()).as(flow.getExitMessage()).isZero();
        List<TaskExecutionResource> children = children("seq", flow.getExecutionId(), "a", "b", "c");
        assertThat(children).extracting(TaskExecutionResource::getTaskName).containsExactly("seq-a", "seq-b", "seq-c");
        assertThat(children).allSatisfy(c -> assertThat(c.getExitCode()).isZero());
        for (int i = 1; i < children.size(); i++) {
            assertThat(children.get(i).getStartTime()).isAfterOrEqualTo(children.get(i - 1).getEndTime());
        }

        // What the runner (and Data Flow's launch) adds per child: from the end of the one before (the flow's start
        // for the first) to the next child's JVM start, and from the last child's end to the flow's end.
        List<String> lines = Files.readAllLines(marker("seq"));
        List<Instant> jvmStarts = lines.stream().filter(l -> l.contains(" start ")).map(FlowsIT::jvmStart).toList();
        double[] gaps = new double[4];
        Instant previous = flow.getStartTime().toInstant();
        for (int i = 0; i < 3; i++) {
            gaps[i] = Duration.between(previous, jvmStarts.get(i)).toMillis() / 1000.0;
            previous = children.get(i).getEndTime().toInstant();
        }
        gaps[3] = Duration.between(previous, flow.getEndTime().toInstant()).toMillis() / 1000.0;
        double childStartUp = 0;
        for (int i = 0; i < 3; i++) {
            childStartUp += Duration.between(jvmStarts.get(i), children.get(i).getStartTime().toInstant()).toMillis()
                    / 3000.0;
        }
        System.out.printf("flow overhead per step (runner + Data Flow launch, to the child's JVM start): %.2f s, "
                + "%.2f s, %.2f s; after the last child: %.2f s; a child's own start-up (JVM start to task start): "
                + "%.1f s on average%n", gaps[0], gaps[1], gaps[2], gaps[3], childStartUp);
        Files.writeString(settings().project().resolve("dataflow/target/flow-overhead.txt"), String.format(
                "%.2f %.2f %.2f %.2f %.1f%n", gaps[0], gaps[1], gaps[2], gaps[3], childStartUp));
    }

    @Test
    @Order(2)
    void aFailedMiddleChildStopsTheFlowWhichExitsNonZeroNamingIt() throws Exception {
        create("fail", "a: probe && b: probe --probe.fail=true --probe.exit-message=disk-full && c: probe");
        TaskExecutionResource flow = launchAndAwait("fail", Map.of());
        assertThat(flow.getExitCode()).isNotZero();
        assertThat(flow.getExitMessage()).contains("fail-b").contains("exit code 1").contains("disk-full");
        assertThat(children("fail", flow.getExecutionId(), "a", "b")).extracting(TaskExecutionResource::getExitCode)
                .containsExactly(0, 1);
        assertThat(executions("fail-c")).as("the step after the failed one is never launched").isEmpty();
    }

    @Test
    @Order(3)
    void aFailedTransitionRunsTheFallbackInsteadOfTheRest() throws Exception {
        create("fallback", "a: probe --probe.fail=true 'FAILED' -> cleanup: probe && c: probe");
        TaskExecutionResource flow = launchAndAwait("fallback", Map.of());
        assertThat(flow.getExitCode()).as(flow.getExitMessage()).isZero();
        assertThat(children("fallback", flow.getExecutionId(), "a", "cleanup"))
                .extracting(TaskExecutionResource::getExitCode).containsExactly(1, 0);
        assertThat(executions("fallback-c")).isEmpty();
    }

    @Test
    @Order(4)
    void aSplitRunsItsBranchesAtOnceThenTheNextChild() throws Exception {
        create("split", "<a: probe --probe.sleep=4s --probe.marker=" + marker("split") + " || b: probe --probe.sleep=4s"
                + " --probe.marker=" + marker("split") + "> && c: probe --probe.marker=" + marker("split"));
        TaskExecutionResource flow = launchAndAwait("split", Map.of());
        assertThat(flow.getExitCode()).as(flow.getExitMessage()).isZero();
        List<TaskExecutionResource> children = children("split", flow.getExecutionId(), "a", "b", "c");
        TaskExecutionResource a = children.get(0);
        TaskExecutionResource b = children.get(1);
        TaskExecutionResource c = children.get(2);
        assertThat(a.getStartTime()).as("a and b overlap").isBefore(b.getEndTime());
        assertThat(b.getStartTime()).as("a and b overlap").isBefore(a.getEndTime());
        assertThat(c.getStartTime()).isAfterOrEqualTo(a.getEndTime()).isAfterOrEqualTo(b.getEndTime());
    }

    @Test
    @Order(5)
    void aStoppedFlowStopsItsRunningChildAndLaunchesNoMore() throws Exception {
        create("stopped", "a: probe --probe.sleep=120s --probe.marker=" + marker("stopped") + " && b: probe");
        long id = dataFlow.taskOperations().launch("stopped", Map.of(), List.of(), null);
        long pid = awaitChildPid(marker("stopped"), Duration.ofSeconds(60));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the child runs").contains(true);
        dataFlow.taskOperations().stop(String.valueOf(id));
        TaskExecutionResource flow = await(id, Duration.ofSeconds(90));
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("child pid %d alive", pid).isFalse();
        assertThat(Files.readString(marker("stopped"))).as("the child was stopped in the middle of its work")
                .doesNotContain("stopped-a end");
        assertThat(flow.getExitCode()).isNotZero();
        assertThat(flow.getExitMessage()).contains("stopped-a");
        assertThat(executions("stopped-b")).isEmpty();
    }

    @Test
    @Order(6)
    void aFlowLaunchedAgainAfterAFailureResumesAtTheFailedChild() throws Exception {
        String m = marker("rerun").toString();
        create("rerun", "a: probe --probe.marker=" + m + " && b: probe --probe.fail=true --probe.marker=" + m
                + " && c: probe --probe.marker=" + m);
        TaskExecutionResource first = launchAndAwait("rerun", Map.of());
        assertThat(first.getExitCode()).isNotZero();
        TaskExecutionResource second = launchAndAwait("rerun", Map.of("app.rerun.b.probe.fail", "false"));
        assertThat(second.getExitCode()).as(second.getExitMessage()).isZero();
        assertThat(children("rerun", second.getExecutionId(), "b", "c")).hasSize(2);
        List<String> starts = Files.readAllLines(marker("rerun")).stream().filter(l -> l.contains(" start "))
                .map(l -> l.split(" ")[1]).toList();
        assertThat(starts).containsExactly("rerun-a", "rerun-b", "rerun-b", "rerun-c");
        assertThat(dataFlow.jobOperations().executionThinListByJobName("rerun").getContent())
                .as("one job instance, restarted").extracting(j -> j.getInstanceId()).containsOnly(
                        dataFlow.jobOperations().executionThinListByJobName("rerun").getContent().iterator().next()
                                .getInstanceId());
    }

    @Test
    @Order(7)
    void theDashboardShowsTheFlowsGraphItsExecutionsAndTheSchedules() throws Exception {
        Dashboard browser = Dashboard.find(settings().project().resolve("dataflow/target/dashboard")).orElse(null);
        assumeTrue(browser != null, "chromium not installed (Debian package chromium): the dashboard is not checked in a browser");
        String dashboard = settings().dataflowUri() + "/dashboard/#/tasks-jobs/";
        assertThat(browser.render(dashboard + "tasks/seq", "flow-graph")).contains("<svg").contains("probe");
        assertThat(browser.render(dashboard + "task-executions", "flow-executions")).contains("seq").contains("rerun");
        assertThat(browser.render(dashboard + "schedules", "schedules")).contains("every-30s").contains("sched");
    }

    @Test
    @Order(8)
    void aScheduleFiresSkipsAnOverlapSurvivesARestartAndReportsTheFiringItMissed() throws Exception {
        // Fired: a normal task execution in Data Flow's history, with the schedule's arguments.
        TaskExecutionResource fired = awaitExecutions("sched", 1, Duration.ofSeconds(130)).get(0);
        assertThat(fired.getArguments()).contains("--from=schedule");
        JsonNode listed = getJson("/tasks/schedules").at("/_embedded/scheduleInfoResourceList/0");
        assertThat(listed.path("scheduleName").asText()).isEqualTo("every-30s");
        assertThat(listed.at("/scheduleProperties/spring.cloud.scheduler.cron.expression").asText()).isEqualTo(CRON);
        Instant next = Instant.parse(listed.at("/scheduleProperties/spring.cloud.scheduler.next-fire-time").asText());
        assertThat(next).isAfter(Instant.now().minusSeconds(5)).isBefore(Instant.now().plusSeconds(31));

        // A firing that finds the 35-s task still running is skipped and logged, not launched: no two runs overlap.
        Path log = stack.settings().home().resolve("logs/dataflow.log");
        awaitLog(log, "schedule 'every-30s': firing of", "skipped: task sched is still running",
                Duration.ofSeconds(70));
        // At least two runs that have started, or the check below has nothing to compare. A run just launched has no
        // start time until its JVM reports in (CI met one: a NullPointerException in the comparison).
        List<TaskExecutionResource> runs = awaitStartedExecutions("sched", 2, Duration.ofSeconds(90));
        for (int i = 1; i < runs.size(); i++) {
            java.util.Date previousEnd = runs.get(i - 1).getEndTime();
            assertThat(previousEnd).as("run %d ended before run %d started", i - 1, i).isNotNull()
                    .isBeforeOrEqualTo(runs.get(i).getStartTime());
        }

        // Down across a firing: after the restart the schedule is still there, the missed firing is reported and
        // (run-once, the default) runs once.
        int before = executions("sched").size();
        stack.down(false);
        Instant missed = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        while (!missed.isAfter(Instant.now())) {
            missed = missed.plusSeconds(30);
        }
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), missed.plusSeconds(12)).toMillis()));
        stack.up(List.of("dataflow"));
        awaitLog(log, "schedule 'every-30s' missed its firing at", "running it once now", Duration.ofSeconds(60));
        assertThat(getJson("/tasks/schedules").at("/_embedded/scheduleInfoResourceList/0/scheduleName").asText())
                .isEqualTo("every-30s");
        awaitExecutions("sched", before + 1, Duration.ofSeconds(30));
    }

    private static void create(String name, String dsl) {
        dataFlow.taskOperations().create(name, dsl, "FlowsIT");
    }

    private static Path marker(String flow) {
        return markers.resolve(flow + ".marker");
    }

    private static Instant jvmStart(String markerLine) {
        return Instant.parse(markerLine.substring(markerLine.indexOf("jvm-start=") + "jvm-start=".length()).trim());
    }

    private static TaskExecutionResource launchAndAwait(String name, Map<String, String> properties)
            throws InterruptedException {
        long id = dataFlow.taskOperations().launch(name, properties, List.of(), null);
        return await(id, Duration.ofSeconds(180));
    }

    private static TaskExecutionResource await(long id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            TaskExecutionResource e = dataFlow.taskOperations().taskExecutionStatus(id);
            if (e.getEndTime() != null) {
                return e;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("execution " + id + " still running after " + timeout);
    }

    /** The flow's children, one per label, in the labels' order; each points at the flow's execution. */
    private static List<TaskExecutionResource> children(String flow, long parent, String... labels) {
        List<TaskExecutionResource> children = new ArrayList<>();
        for (String label : labels) {
            List<TaskExecutionResource> runs = executions(flow + "-" + label).stream()
                    .filter(e -> e.getParentExecutionId() != null && e.getParentExecutionId() == parent).toList();
            assertThat(runs).as("%s-%s launched once by execution %d", flow, label, parent).hasSize(1);
            children.add(runs.get(0));
        }
        return children;
    }

    private static List<TaskExecutionResource> executions(String task) {
        return new ArrayList<>(StreamSupport.stream(dataFlow.taskOperations().executionListByTaskName(task)
                .spliterator(), false).sorted(java.util.Comparator.comparingLong(TaskExecutionResource::getExecutionId))
                .toList());
    }

    private static List<TaskExecutionResource> awaitExecutions(String task, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<TaskExecutionResource> runs = executions(task);
            if (runs.size() >= count) {
                return runs;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(task + " has fewer than " + count + " executions after " + timeout + ": "
                + executions(task).size());
    }

    private static List<TaskExecutionResource> awaitStartedExecutions(String task, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TaskExecutionResource> started = List.of();
        while (System.nanoTime() < deadline) {
            started = executions(task).stream().filter(r -> r.getStartTime() != null).toList();
            if (started.size() >= count) {
                return started;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(task + " has fewer than " + count + " started executions after " + timeout + ": "
                + started.size());
    }

    private static long awaitChildPid(Path marker, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(marker)) {
                for (String line : Files.readAllLines(marker)) {
                    int at = line.indexOf("pid=");
                    if (at > 0) {
                        return Long.parseLong(line.substring(at + 4).split(" ")[0]);
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no child started within " + timeout);
    }

    private static void awaitLog(Path log, String start, String rest, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.readAllLines(log).stream().anyMatch(l -> l.contains(start) && l.contains(rest))) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("no line with '" + start + "' and '" + rest + "' in " + log + " after " + timeout);
    }

    private static HttpResponse<String> post(String path, Map<String, String> params) throws IOException,
            InterruptedException {
        StringBuilder query = new StringBuilder();
        params.forEach((k, v) -> query.append(query.length() == 0 ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return HTTP.send(HttpRequest.newBuilder(URI.create(settings().dataflowUri() + path + query))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(String path) throws IOException, InterruptedException {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(settings().dataflowUri() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static StackSettings settings() {
        System.setProperty("steelthread.home", home.toString());
        return StackSettings.load();
    }
}
