package io.steelthread.dataflow.session;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.dataflow.client.PipelineClient;
import io.steelthread.dataflow.model.Definitions;
import io.steelthread.localstack.cli.StackSettings;

import org.springframework.cloud.dataflow.rest.resource.TaskExecutionResource;

/**
 * The seed's whole session, batch and streaming, driven through Data Flow on a running stack. Each step prints the
 * command a user would type to do it by hand; a failing step names itself and shows its log's end.
 */
public final class SeedSession {

    static final List<String> HOSTS = List.of("user1.comcast.com", "user2.att.com");
    static final List<String> PATHS = List.of("/", "/purchase_a_sword");
    static final int REQUESTS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackSettings settings;
    private final PipelineClient client;
    private final Definitions definitions;
    private final PrintStream out;
    private final ApacheBench ab;
    private final PrestoShell presto;
    private final int rounds;
    private int step;

    public SeedSession(StackSettings settings, PipelineClient client, Definitions definitions, PrintStream out, int rounds) {
        this.settings = settings;
        this.client = client;
        this.definitions = definitions;
        this.out = out;
        this.ab = ApacheBench.detect(out);
        this.presto = new PrestoShell(settings.prestoJdbcUrl(), out);
        this.rounds = rounds;
    }

    /** A step of the session that failed: its title and why. */
    public static final class StepFailed extends RuntimeException {

        StepFailed(String message) {
            super(message);
        }
    }

    interface Body {
        void run() throws Exception;
    }

    public void run() {
        out.println("traffic: " + ab.describe());
        step("the seed's traffic, and the events topic read back", this::traffic);
        step("spark-submit filtered_writes.py: the batch-flow flow (spark-extract && hive-ddl && presto-validate) "
                + "through Data Flow", () -> {
            TaskExecutionResource done = launchAndWait(BATCH_FLOW, List.of());
            for (TaskExecutionResource child : client.children(definitions.task(BATCH_FLOW), done.getExecutionId())) {
                out.println("  " + child.getTaskName() + " (execution " + child.getExecutionId() + ") exit code "
                        + child.getExitCode());
                printLog(child, line -> line.contains("Spark application") || line.strip().equals("root")
                        || line.contains(" |-- ") || line.contains("Presto validation")
                        || line.contains("rows, newest event_ts") || line.contains("applying DDL"));
            }
        });
        step("hadoop fs -ls /tmp/purchases: the table's files", () -> {
            out.println("(by hand: ./steelthread ls purchases)");
            presto.query(PrestoShell.filesOf("purchases"), 120);
        });
        step("presto --catalog hive --schema default", () -> {
            out.println("(by hand: ./steelthread presto, then the statements below; or ./steelthread presto --execute "
                    + "'select * from purchases')");
            presto.query("show tables");
            presto.query("describe purchases");
            presto.query("select * from purchases");
        });
        step("filter_swords_stream.py: the filter-swords-stream task (console sink)", this::consoleStream);
        step("write_swords_stream.py: the sword-purchases-stream task, fed as the seed did", this::parquetStream);
    }

    private void step(String title, Body body) {
        step++;
        out.println();
        out.println("== " + step + ". " + title);
        long start = System.nanoTime();
        try {
            body.run();
        }
        catch (StepFailed e) {
            throw new StepFailed("step " + step + " (" + title + ") failed: " + e.getMessage());
        }
        catch (Exception e) {
            throw new StepFailed("step " + step + " (" + title + ") failed: " + e);
        }
        out.printf("   (%.1f s)%n", (System.nanoTime() - start) / 1e9);
    }

    private void traffic() throws Exception {
        String topic = settings.get("topics.events");
        try (TopicTail tail = TopicTail.detect(settings.kafkaBootstrap(), topic)) {
            out.println("topic:   " + tail.describe());
            tail.mark();
            for (String host : HOSTS) {
                for (String path : PATHS) {
                    ab.run(REQUESTS, host, gameApi(path));
                }
            }
            int expected = HOSTS.size() * PATHS.size() * REQUESTS;
            List<String> events = tail.read(expected, Duration.ofSeconds(60));
            out.println();
            out.println("$ " + tail.command() + "   (the events of this run, first 3 of " + events.size() + "; by hand: "
                    + "./steelthread tail events --from-beginning)");
            events.stream().limit(3).forEach(out::println);
            out.println();
            Map<String, Integer> counts = new TreeMap<>();
            for (String e : events) {
                JsonNode event = JSON.readTree(e);
                counts.merge(String.format("%-20s %-16s", event.path("Host").asText("?"),
                        event.path("event_type").asText("?")), 1, Integer::sum);
            }
            out.printf("%-20s %-16s %s%n", "Host", "event_type", "events");
            counts.forEach((k, v) -> out.printf("%s %d%n", k, v));
            out.printf("%d of %d events reached '%s' validated and enriched%n", events.size(), expected, topic);
            if (events.size() < expected) {
                throw new StepFailed((expected - events.size()) + " events did not reach '" + topic + "'; see "
                        + "./steelthread dataflow logs event-processor");
            }
        }
    }

    private void consoleStream() throws Exception {
        long id = launch("filter-swords-stream", List.of());
        awaitLog(id, "StreamEventsJob query running", Duration.ofMinutes(2));
        for (String host : HOSTS) {
            for (String path : PATHS) {
                ab.run(REQUESTS, host, gameApi(path));
            }
        }
        int wanted = HOSTS.size() * REQUESTS;
        List<String> printed = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (printed.size() < wanted && System.nanoTime() < deadline) {
            Thread.sleep(2000);
            printed = consoleRows(client.log(client.execution(id)));
        }
        out.println();
        out.println("$ ./steelthread dataflow logs filter-swords-stream   (the sword purchases it printed: " + printed.size()
                + ", first 5)");
        printed.stream().limit(5).forEach(l -> out.println("    " + l));
        if (printed.size() < wanted) {
            throw new StepFailed("the console stream printed " + printed.size() + " of " + wanted + " sword purchases");
        }
        stop("filter-swords-stream", id);
    }

    private void parquetStream() throws Exception {
        launchAndWait("hive-ddl", List.of("--steelthread.pipeline.hive.tables=sword_purchases"));
        // The stream reads the topic from its start (or its checkpoint): the table holds every sword purchase once.
        long before;
        try (TopicTail tail = TopicTail.detect(settings.kafkaBootstrap(), settings.get("topics.events"))) {
            before = tail.countAll("purchase_sword");
        }
        out.println(before + " sword purchases in the topic so far");
        long id = launch("sword-purchases-stream", List.of());
        awaitLog(id, "StreamEventsJob query running", Duration.ofMinutes(2));
        for (int round = 1; round <= rounds; round++) {
            out.println();
            out.println("-- round " + round + " of " + rounds + " (the seed's while true; do ab …; sleep 10; done)");
            ab.run(REQUESTS, "user1.comcast.com", gameApi("/purchase_a_sword"));
            out.println("$ sleep 10");
            Thread.sleep(10_000);
            long expected = before + (long) round * REQUESTS;
            long count = awaitCount("select count(*) from sword_purchases", expected, Duration.ofSeconds(60));
            presto.query("select count(*) from sword_purchases");
            if (count != expected) {
                throw new StepFailed("sword_purchases has " + count + " rows, expected " + expected);
            }
        }
        out.println();
        out.println("the seed's closing concern, many small files (by hand: ./steelthread ls sword_purchases):");
        int files = presto.query(PrestoShell.filesOf("sword_purchases"), 120);
        stop("sword-purchases-stream", id);

        String partition = partitionOfLatest();
        out.println();
        out.println("compacting " + partition + " of sword_purchases");
        launchAndWait("compact-partition", List.of("--steelthread.pipeline.compact.table=sword_purchases",
                "--steelthread.pipeline.compact.partition=" + partition));
        int after = presto.query(PrestoShell.filesOf("sword_purchases"), 120);
        long total = presto.count("select count(*) from sword_purchases");
        presto.query("select count(*) from sword_purchases");
        out.printf("files %d -> %d, rows %d -> %d%n", files, after, before + (long) rounds * REQUESTS, total);
        if (total != before + (long) rounds * REQUESTS) {
            throw new StepFailed("compaction changed the row count: " + total);
        }
    }

    /** The partition of the newest sword purchase, as the compaction task names it ({@code event_date=…/event_hour=…}). */
    private String partitionOfLatest() throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection(settings.prestoJdbcUrl(), "steelthread", null);
                var st = c.createStatement();
                var rs = st.executeQuery("select event_date, event_hour from sword_purchases order by event_ts desc limit 1")) {
            rs.next();
            return "event_date=" + rs.getString(1) + "/event_hour=" + rs.getInt(2);
        }
    }

    private long awaitCount(String sql, long expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long count = presto.count(sql);
        while (count < expected && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            count = presto.count(sql);
        }
        return count;
    }

    private long launch(String task, List<String> args) {
        out.println("$ ./steelthread dataflow launch " + task + (args.isEmpty() ? "" : " " + String.join(" ", args))
                + " --no-wait");
        long id = client.launch(definitions, task, args);
        out.println("launched " + task + ": execution " + id);
        return id;
    }

    /** The seed's batch half as a flow of the three step tasks (tasks.dsl). */
    static final String BATCH_FLOW = "batch-flow";

    private TaskExecutionResource launchAndWait(String task, List<String> args) {
        out.println("$ ./steelthread dataflow launch " + task + (args.isEmpty() ? "" : " " + String.join(" ", args)));
        long id = client.launch(definitions, task, args);
        TaskExecutionResource done = client.await(id, Duration.ofMinutes(20));
        out.println(task + " (execution " + id + ") exit code " + done.getExitCode());
        if (done.getExitCode() == null || done.getExitCode() != 0) {
            throw new StepFailed(task + " exited " + done.getExitCode() + ": " + done.getExitMessage() + "\n"
                    + PipelineClient.tail(client.log(done), 30));
        }
        return done;
    }

    private void stop(String task, long id) {
        out.println("$ ./steelthread dataflow stop " + task);
        client.stop(id);
        TaskExecutionResource done = client.await(id, Duration.ofMinutes(3));
        out.println(task + " (execution " + id + ") stopped, exit code " + done.getExitCode());
        String log = client.log(done);
        if (!log.contains("Spark application StreamEventsJob: FINISHED")) {
            throw new StepFailed(task + " did not stop its Spark query between batches:\n" + PipelineClient.tail(log, 30));
        }
    }

    private void awaitLog(long id, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            TaskExecutionResource e = client.execution(id);
            String log = client.log(e);
            if (log.contains(text)) {
                return;
            }
            if (e.getEndTime() != null) {
                throw new StepFailed(e.getTaskName() + " ended (exit " + e.getExitCode() + ") before '" + text + "':\n"
                        + PipelineClient.tail(log, 30));
            }
            Thread.sleep(1000);
        }
        throw new StepFailed("no '" + text + "' in the task's log within " + timeout.toSeconds() + " s");
    }

    private void printLog(TaskExecutionResource execution, java.util.function.Predicate<String> wanted) {
        client.log(execution).lines().filter(wanted).forEach(l -> out.println("    " + l.replaceFirst("^.*? : ", "")));
    }

    /** The rows of the console sink's tables that are sword purchases. */
    static List<String> consoleRows(String log) {
        List<String> rows = new ArrayList<>();
        for (String line : log.lines().toList()) {
            int bar = line.indexOf('|');
            if (bar >= 0 && line.contains("|purchase_sword|")) {
                rows.add(line.substring(bar));
            }
        }
        return rows;
    }

    private String gameApi(String path) {
        return "http://localhost:" + settings.port("source") + path;
    }
}
