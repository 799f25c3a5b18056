package io.steelthread.dataflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.dataflow.client.PipelineClient;
import io.steelthread.localstack.Ports;
import io.steelthread.localstack.cli.LocalStack;
import io.steelthread.localstack.cli.StackSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.cloud.dataflow.rest.client.DataFlowTemplate;
import org.springframework.cloud.dataflow.rest.resource.JobExecutionThinResource;
import org.springframework.cloud.dataflow.rest.resource.TaskExecutionResource;

/**
 * The README's main command on the real stack, on free ports in a temporary home: {@code ./steelthread demo --keep}
 * plays the seed's whole session through Data Flow; then what it left is checked through Data Flow, Presto and
 * Kafka, the client's failure paths are tried, the dashboard is read in Chromium, and {@code down} must leave no
 * process and no port behind.
 */
class DataFlowPipelineIT {

    static final List<String> PORTS = List.of("kafka.port", "kafka.controller-port", "metastore.port",
            "hiveserver2.port", "presto.port", "skipper.port", "dataflow.port", "prometheus.port", "source.port",
            "source.management-port", "processor.port", "pushgateway.port", "freshness.port");
    static final int ROUNDS = 2;

    @TempDir
    static Path home;

    static Map<String, Integer> ports = new LinkedHashMap<>();
    static int demoExit;
    static String demoOutput;
    static long lastDemoExecution;
    static final List<Long> pids = new ArrayList<>();
    static final Map<Long, String> names = new LinkedHashMap<>();

    static String lastOutput = "";
    static String lastError = "";

    @BeforeAll
    static void playTheSeedsSession() throws Exception {
        StringBuilder props = new StringBuilder();
        for (String key : PORTS) {
            int port = Ports.free();
            ports.put(key, port);
            props.append(key).append('=').append(port).append('\n');
        }
        Files.writeString(home.resolve("stack.properties"), props.toString());
        demoExit = cli("demo", "--keep", "--rounds", String.valueOf(ROUNDS));
        demoOutput = lastOutput + lastError;
        lastDemoExecution = executions().stream().mapToLong(TaskExecutionResource::getExecutionId).max().orElse(0);
        LocalStack stack = new LocalStack(settings(), new PrintStream(new ByteArrayOutputStream()));
        for (String server : LocalStack.SERVERS) {
            stack.pid(server).ifPresent(pid -> names.put(pid, server));
        }
        client().instances("game-events").forEach(i -> LocalProcesses.in(i.workingDir())
                .ifPresent(p -> names.put(p.pid(), i.instanceId())));
        pids.addAll(names.keySet());
    }

    @AfterAll
    static void downLeavesNothing() throws Exception {
        assertThat(cli("down")).as(lastError).isZero();
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
        }
        Thread.sleep(500);
        ports.forEach((key, port) -> assertThat(Ports.isOpen(port)).as("%s %d still open", key, port).isFalse());
    }

    @Test
    void theDemoPlaysTheSeedsWholeSession() throws Exception {
        assertThat(demoExit).as(demoOutput).isZero();
        assertThat(demoOutput).contains("40 of 40 events reached 'events'")
                .contains("stream game-events deployed")
                .contains("the sword purchases it printed: 20")
                .contains("the seed's session done in");
        String selectAll = demoOutput.substring(demoOutput.indexOf("presto:default> select * from purchases;"));
        assertThat(selectAll.substring(0, selectAll.indexOf(" rows)") + 6)).endsWith("(20 rows)");

        try (Connection presto = DriverManager.getConnection(settings().prestoJdbcUrl(), "it", null);
                Statement s = presto.createStatement()) {
            ResultSet purchases = s.executeQuery("select count(*), count(distinct event_id) from purchases");
            purchases.next();
            assertThat(purchases.getLong(1)).isEqualTo(20);
            assertThat(purchases.getLong(2)).isEqualTo(20);
            // Every sword purchase the game API logged: the batch half's 20, the console stream's 20, the rounds'.
            long inTopic = swordPurchasesInTopic();
            assertThat(inTopic).isEqualTo(40 + ROUNDS * 10L);
            ResultSet streamed = s.executeQuery("select count(*), count(distinct event_id) from sword_purchases");
            streamed.next();
            assertThat(streamed.getLong(1)).isEqualTo(inTopic);
            assertThat(streamed.getLong(2)).isEqualTo(inTopic);
        }
    }

    @Test
    void everyTaskExecutionOfTheDemoIsRecordedWithExitCodeZero() {
        List<TaskExecutionResource> demo = executions().stream()
                .filter(e -> e.getExecutionId() <= lastDemoExecution).toList();
        assertThat(demo).extracting(TaskExecutionResource::getTaskName).contains("batch-flow",
                "batch-flow-spark-extract", "batch-flow-hive-ddl", "batch-flow-presto-validate",
                "filter-swords-stream", "hive-ddl", "sword-purchases-stream", "compact-partition");
        assertThat(demo).allSatisfy(e -> {
            assertThat(e.getEndTime()).as("%s ended", e.getTaskName()).isNotNull();
            assertThat(e.getExitCode()).as("%s exit code", e.getTaskName()).isZero();
        });
        // The batch half ran as a flow: its runner's job has one step per child, each child its own job.
        long flow = demo.stream().filter(e -> e.getTaskName().equals("batch-flow")).findFirst().orElseThrow()
                .getExecutionId();
        assertThat(demo).filteredOn(e -> e.getTaskName().startsWith("batch-flow-"))
                .allSatisfy(e -> assertThat(e.getParentExecutionId()).isEqualTo(flow));
        List<JobExecutionThinResource> jobs = new ArrayList<>();
        dataFlow().jobOperations().executionThinListByJobName("batch-flow").forEach(jobs::add);
        assertThat(jobs).isNotEmpty().allSatisfy(j -> {
            assertThat(j.getStatus().toString()).isEqualTo("COMPLETED");
            assertThat(j.getStepExecutionCount()).isEqualTo(3);
        });
        for (String job : List.of("sparkExtract", "hiveDdl", "prestoValidate")) {
            assertThat(dataFlow().jobOperations().executionThinListByJobName(job).getContent()).as(job)
                    .filteredOn(j -> j.getTaskExecutionId() <= lastDemoExecution).isNotEmpty()
                    .allSatisfy(j -> assertThat(j.getStatus().toString()).isEqualTo("COMPLETED"));
        }
        List<JobExecutionThinResource> streams = new ArrayList<>();
        dataFlow().jobOperations().executionThinListByJobName("swordPurchasesStream").forEach(streams::add);
        assertThat(streams).hasSize(2).allSatisfy(j -> assertThat(j.getStatus().toString()).isEqualTo("COMPLETED"));
        assertThat(client().stream("game-events").orElseThrow().getStatus()).isEqualTo("deployed");
    }

    /**
     * Nothing in the stack authenticates, and Data Flow and Skipper run whatever app they are given: every port
     * any of its processes listens on is on loopback, with no exception — the metastore through our
     * LoopbackMetastore, Presto's Drift thrift server and the JDK's local JMX connector through our
     * presto-loopback-agent (neither has a bind setting).
     */
    @Test
    void everyPortTheStackOpensIsOnLoopback() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/net")), "no /proc: listening sockets are read from Linux's /proc");
        assertThat(names.values()).contains("kafka", "metastore", "presto", "skipper", "dataflow",
                "game-events.game-api-v1-0", "game-events.event-processor-v1-0");
        List<String> exposed = new ArrayList<>();
        int prestoSockets = 0;
        for (Map.Entry<Long, String> process : names.entrySet()) {
            List<ListeningSockets.Socket> sockets = ListeningSockets.of(process.getKey());
            assertThat(sockets).as("%s listens", process.getValue()).isNotEmpty();
            if (process.getValue().equals("presto")) {
                prestoSockets = sockets.size();
            }
            sockets.stream().filter(socket -> !socket.loopback())
                    .forEach(socket -> exposed.add(process.getValue() + " " + socket));
        }
        // HTTP, Drift, the JMX registry and remote connector, the local connector: the ones the agent had to move.
        assertThat(prestoSockets).as("Presto's listening sockets").isGreaterThanOrEqualTo(5);
        assertThat(exposed).as("sockets not on loopback").isEmpty();
    }

    /** The game API deployed by Data Flow: the game on its public port, actuator only on the management port. */
    @Test
    void theGameApisActuatorIsOnItsManagementPortOnly() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpResponse<String>> get = url -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            }
            catch (Exception e) {
                throw new AssertionError(url, e);
            }
        };
        String management = "http://127.0.0.1:" + ports.get("source.management-port");
        String game = "http://127.0.0.1:" + ports.get("source.port");
        assertThat(get.apply(management + "/actuator/health").body()).contains("\"status\":\"UP\"");
        assertThat(get.apply(management + "/actuator/prometheus").body()).contains("steelthread_source_requests_seconds_count");
        assertThat(get.apply(game + "/actuator/health").statusCode()).isEqualTo(404);
        assertThat(get.apply(game + "/actuator/prometheus").statusCode()).isEqualTo(404);
        assertThat(get.apply(game + "/purchase_a_sword").body()).isEqualTo("Sword Purchased!\n");
    }

    /** The seed's Presto shell on the stack: the stock CLI, with the seed's catalog and schema. */
    @Test
    void thePrestoShellAnswersTheSeedsStatements() {
        assertThat(cli("presto", "--execute", "show tables")).as(lastOutput + lastError).isZero();
        assertThat(lastOutput).contains("\"purchases\"").contains("\"sword_purchases\"");
        assertThat(cli("presto", "--execute", "describe purchases")).as(lastOutput + lastError).isZero();
        assertThat(lastOutput).contains("\"event_id\"").contains("\"event_date\"").contains("partition key");
        assertThat(cli("presto", "--execute", "select count(*) from purchases")).isZero();
        assertThat(lastOutput.strip()).isEqualTo("\"20\"");
        assertThat(cli("presto", "--execute", "select * from no_such_table")).isNotZero();
    }

    /**
     * The seed's hadoop fs -ls: the files readers see, which after more than one full extract live in a version
     * directory (the previous version's files stay beside them for a run, and are not listed).
     */
    @Test
    void lsListsTheFilesSparkWrote() throws Exception {
        assertThat(cli("ls", "purchases")).as(lastOutput + lastError).isZero();
        List<String> files = lastOutput.lines().filter(l -> l.endsWith(".parquet"))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).sorted().toList();
        assertThat(files).isNotEmpty().allSatisfy(l -> assertThat(l).contains("/purchases/").contains("/event_date="));
        List<String> read = new ArrayList<>();
        try (java.sql.Connection presto = java.sql.DriverManager.getConnection(settings().prestoJdbcUrl(), "it", null);
                java.sql.Statement st = presto.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT DISTINCT \"$path\" FROM purchases")) {
            while (rs.next()) {
                read.add(URI.create(rs.getString(1)).getPath());
            }
        }
        assertThat(files.stream().map(f -> URI.create(f).getPath()).toList())
                .as("the files Presto reads").containsExactlyInAnyOrderElementsOf(read);
        assertThat(lastOutput).doesNotContain("/_committed").doesNotContain(".crc");
        assertThat(cli("ls", "no_such_table")).isNotZero();
    }

    /** The logs status points to: a server's file, a stream app's, a task's last execution. */
    @Test
    void logsPrintsTheNamedLog() {
        assertThat(cli("logs", "kafka", "--lines", "5")).as(lastError).isZero();
        assertThat(lastOutput).contains("kafka.log");
        assertThat(lastOutput.lines().count()).isBetween(2L, 7L);
        // The whole log: the app keeps logging after its start (Kafka clients opening late), so its last few
        // lines need not hold the start line (CI caught that with 50).
        assertThat(cli("logs", "game-api", "--lines", "100000")).as(lastError).isZero();
        assertThat(lastOutput).contains("game-events.game-api").contains("Started");
        assertThat(cli("logs", "batch-flow", "--lines", "400")).as(lastError).isZero();
        assertThat(lastOutput).contains("batch-flow-presto-validate");
    }

    /**
     * The seed's kafkacat -C -t events: events produced while the tail runs, one per line; the DLQ's records with
     * their reason. Through kcat when it is installed, and through the built-in consumer always.
     */
    @Test
    void tailShowsEventsProducedWhileItRunsAndTheDlqsReasons() throws Exception {
        List<Boolean> ways = new ArrayList<>(List.of(true));
        if (io.steelthread.dataflow.session.Tools.find("kcat").isPresent()) {
            ways.add(false);
        }
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", settings().kafkaBootstrap()), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            // The processor's input as Data Flow names it (<stream>.<source app>).
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("game-events.game-api", "not an event"))
                    .get();
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (boolean builtin : ways) {
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(seen, true, StandardCharsets.UTF_8);
            var tail = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    io.steelthread.dataflow.session.TopicTail.follow(settings().kafkaBootstrap(), "events", false, 3,
                            builtin, out);
                }
                catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!tail.isDone() && System.nanoTime() < deadline) {
                http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get("source.port")
                        + "/")).header("Host", "tail.example.com").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                Thread.sleep(500);
            }
            tail.get(5, TimeUnit.SECONDS);
            out.flush();
            List<String> lines = seen.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).as(builtin ? "built-in" : "kcat").hasSize(3).allSatisfy(l -> assertThat(
                    new ObjectMapper().readTree(l).path("event_type").asText()).isEqualTo("default"));

            ByteArrayOutputStream dlq = new ByteArrayOutputStream();
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    io.steelthread.dataflow.session.TopicTail.follow(settings().kafkaBootstrap(), "events.dlq", true, 1,
                            builtin, new PrintStream(dlq, true, StandardCharsets.UTF_8));
                }
                catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(dlq.toString(StandardCharsets.UTF_8)).as(builtin ? "built-in" : "kcat")
                    .startsWith("not an event\tdlq_reason=");
        }
    }

    /** The Presto shell typed into in a real terminal (tmux), as the seed's user did. */
    @Test
    void thePrestoShellWorksInATerminal() throws Exception {
        assumeTrue(io.steelthread.dataflow.session.Tools.find("tmux").isPresent(),
                "tmux not installed (Debian package tmux): the interactive shell is not checked in a terminal");
        String session = "steelthread-presto-" + ProcessHandle.current().pid();
        Path script = settings().project().resolve("steelthread");
        try {
            assertThat(new ProcessBuilder("tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "50", "-e",
                    "STEELTHREAD_HOME=" + home, script + " presto").start().waitFor()).isZero();
            String screen = awaitScreen(session, "presto:default>", Duration.ofSeconds(60));
            // tmux reads an argument's trailing ';' as its own command separator: escaped, it is typed.
            new ProcessBuilder("tmux", "send-keys", "-t", session, "show tables\\;", "Enter").start().waitFor();
            screen = awaitScreen(session, "sword_purchases", Duration.ofSeconds(60));
            assertThat(screen).contains("purchases").contains("(2 rows)");
        }
        finally {
            new ProcessBuilder("tmux", "kill-session", "-t", session).start().waitFor();
        }
    }

    private static String awaitScreen(String session, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-t", session).start();
            screen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            if (screen.contains(text)) {
                return screen;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no '" + text + "' on the terminal within " + timeout + ":\n" + screen);
    }

    /** Opening the stack to the network without authentication for Data Flow and Skipper is refused up front. */
    @Test
    void upRefusesToOpenTheStackWithoutAuthentication() throws Exception {
        System.setProperty("steelthread.bind-address", "0.0.0.0");
        try {
            assertThat(cli("up")).isEqualTo(1);
            assertThat(lastError).contains("bind-address=0.0.0.0 would open Data Flow and Skipper")
                    .contains("no authentication is configured").contains("dataflow.security-config")
                    .contains("Nothing was started");
            System.setProperty("steelthread.dataflow.security-config", home.resolve("no-such-file.properties").toString());
            assertThat(cli("up")).isEqualTo(1);
            assertThat(lastError).contains("no-such-file.properties cannot be read");
        }
        finally {
            System.clearProperty("steelthread.bind-address");
            System.clearProperty("steelthread.dataflow.security-config");
        }
        // The running stack is untouched: Data Flow still answers on loopback only.
        assertThat(ListeningSockets.of(names.entrySet().stream().filter(e -> e.getValue().equals("dataflow"))
                .findFirst().orElseThrow().getKey())).allMatch(ListeningSockets.Socket::loopback);
    }

    @Test
    void aFailingTaskIsRecordedWithItsExitCodeAndMessageAndLaunchExitsNonZero() {
        int exit = cli("dataflow", "launch", "presto-validate", "--steelthread.pipeline.presto.expected-rows=999");
        assertThat(exit).as(lastOutput + lastError).isNotZero();
        assertThat(lastOutput).contains("presto-validate").contains("expected 999");
        TaskExecutionResource failed = client().executions("presto-validate").stream()
                .max(java.util.Comparator.comparingLong(TaskExecutionResource::getExecutionId)).orElseThrow();
        assertThat(failed.getExitCode()).isNotZero();
        assertThat(failed.getExitMessage()).contains("hive.default.purchases has 20 rows in Presto, expected 999");
    }

    /**
     * Monitoring on the live stack, with Debian's Prometheus and Pushgateway (CI installs them; without them the
     * stack runs neither and this test is skipped with the reason). After the demo's traffic, flow and streaming
     * tasks, plus a refused request, a dead-lettered record and a failing validation provoked here: every query of
     * every Grafana panel returns data through Prometheus's HTTP API, every alert expression evaluates, and
     * Prometheus itself fires the validation-failed and task-failed alerts for the failed task.
     */
    @Test
    void everyPanelQueryReturnsDataAndAFailedValidationFiresItsAlerts() throws Exception {
        LocalStack stack = new LocalStack(settings(), new PrintStream(new ByteArrayOutputStream()));
        assumeTrue(stack.running("prometheus").isPresent() && stack.running("pushgateway").isPresent(),
                "Prometheus and the Pushgateway are not installed (Debian packages prometheus, prometheus-pushgateway)");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var refused = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + ports.get("source.port") + "/events/purchase")).POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString("{not json")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", settings().kafkaBootstrap()), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            // The same record as the tail test sends: that test reads the dead-letter topic from its start.
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("game-events.game-api", "not an event")).get();
        }
        assertThat(cli("dataflow", "launch", "presto-validate", "--steelthread.pipeline.presto.expected-rows=998"))
                .isNotZero();

        String prometheus = "http://127.0.0.1:" + ports.get("prometheus.port");
        Path monitoring = Path.of("..", "monitoring").toAbsolutePath().normalize();
        Map<String, String> panels = new LinkedHashMap<>();
        try (var files = Files.list(monitoring.resolve("grafana/dashboards"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                for (var panel : JSON.readTree(file.toFile()).path("panels")) {
                    for (var target : panel.path("targets")) {
                        panels.put(file.getFileName() + " / " + panel.path("title").asText() + " / "
                                + target.path("refId").asText(), target.path("expr").asText());
                    }
                }
            }
        }
        assertThat(panels).hasSizeGreaterThan(20);
        // Counters created by the provoked errors need two scrapes (10 s apart) before rate() has a value.
        List<String> empty = new ArrayList<>(panels.keySet());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!empty.isEmpty() && System.nanoTime() < deadline) {
            empty.removeIf(panel -> promQuery(http, prometheus, panels.get(panel)).size() > 0);
            if (!empty.isEmpty()) {
                Thread.sleep(5000);
            }
        }
        assertThat(empty).as("panels whose query returned no data").isEmpty();

        Map<String, Object> rules = new org.yaml.snakeyaml.Yaml().load(
                Files.readString(monitoring.resolve("rules/steelthread-alerts.yml")));
        List<String> alerts = new ArrayList<>();
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> r = (Map<?, ?>) rule;
                alerts.add((String) r.get("alert"));
                promQuery(http, prometheus, (String) r.get("expr")); // fails on an expression Prometheus refuses
            }
        }
        assertThat(alerts).contains("SteelthreadValidationFailed", "SteelthreadTaskFailed",
                "SteelthreadIngestionStopped", "SteelthreadServerDown");
        // Firing as Prometheus evaluates its rules (every 10 s), with the failed task's labels.
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> firing = List.of();
        while (System.nanoTime() < deadline) {
            var result = promQuery(http, prometheus, "ALERTS{alertstate=\"firing\",task=\"presto-validate\"}");
            firing = StreamSupport.stream(result.spliterator(), false)
                    .map(series -> series.path("metric").path("alertname").asText()).distinct().sorted().toList();
            if (firing.containsAll(List.of("SteelthreadTaskFailed", "SteelthreadValidationFailed"))) {
                break;
            }
            Thread.sleep(2000);
        }
        assertThat(firing).contains("SteelthreadTaskFailed", "SteelthreadValidationFailed");
        assertThat(promQuery(http, prometheus, "steelthread_validation_rows{task=\"presto-validate\",source=\"presto\"}")
                .get(0).path("value").get(1).asText()).isEqualTo("20");
    }

    /**
     * The shipped expressions of two alerts, fired by Prometheus on the live stack by the failures they are for:
     * ingestion stopped (no event accepted while the API is up), then a table going stale while events flow and
     * its stream does not run (the demo stopped it). Only the windows are shortened (2 min → 30 s, 900 s → 20 s,
     * {@code for} → 0), in a rule file of its own loaded for this test; promtool's unit tests cover the windows.
     */
    @Test
    void ingestionStoppedAndAStaleTableFireTheirAlertsOnLiveData() throws Exception {
        LocalStack stack = new LocalStack(settings(), new PrintStream(new ByteArrayOutputStream()));
        assumeTrue(stack.running("prometheus").isPresent(), "Prometheus is not installed (Debian package prometheus)");
        String prometheus = "http://127.0.0.1:" + ports.get("prometheus.port");
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        Map<String, Object> shipped = new org.yaml.snakeyaml.Yaml().load(Files.readString(
                Path.of("..", "monitoring", "rules", "steelthread-alerts.yml")));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : (List<?>) shipped.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<?, ?> r = (Map<?, ?>) rule;
                String name = (String) r.get("alert");
                if (name.equals("SteelthreadIngestionStopped") || name.equals("SteelthreadTableStale")) {
                    String expr = ((String) r.get("expr")).replace("[2m]", "[30s]").replace("> 900", "> 20");
                    rules.add(Map.of("alert", "LiveTest" + name, "expr", expr, "for", "0s"));
                }
            }
        }
        assertThat(rules).hasSize(2);
        Path file = home.resolve("prometheus/rules/live-test.yml");
        Files.writeString(file, new org.yaml.snakeyaml.Yaml().dump(
                Map.of("groups", List.of(Map.of("name", "live-test", "interval", "5s", "rules", rules)))));
        reload(http, prometheus);
        try {
            // No event accepted (the other tests sent theirs before): the API is up, ingestion has stopped.
            assertThat(awaitFiring(http, prometheus, "LiveTestSteelthreadIngestionStopped", true, 120))
                    .as("ingestion stopped fired").isTrue();
            // Events flow again, the stream stays stopped: ingestion resumes, sword_purchases goes stale.
            String game = "http://127.0.0.1:" + ports.get("source.port") + "/purchase_a_sword";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            boolean resumed = false;
            boolean stale = false;
            while (System.nanoTime() < deadline && !(resumed && stale)) {
                assertThat(http.send(java.net.http.HttpRequest.newBuilder(URI.create(game)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
                resumed = !firing(http, prometheus, "LiveTestSteelthreadIngestionStopped").iterator().hasNext();
                for (var alert : firing(http, prometheus, "LiveTestSteelthreadTableStale")) {
                    stale |= alert.path("metric").path("table").asText().equals("sword_purchases");
                }
                Thread.sleep(1000);
            }
            assertThat(resumed).as("ingestion stopped resolved once events flowed").isTrue();
            assertThat(stale).as("sword_purchases stale while its stream is stopped").isTrue();
        }
        finally {
            Files.deleteIfExists(file);
            reload(http, prometheus);
        }
    }

    private static void reload(java.net.http.HttpClient http, String prometheus) throws Exception {
        assertThat(http.send(java.net.http.HttpRequest.newBuilder(URI.create(prometheus + "/-/reload"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    private static com.fasterxml.jackson.databind.JsonNode firing(java.net.http.HttpClient http, String prometheus,
            String alert) {
        return promQuery(http, prometheus, "ALERTS{alertstate=\"firing\",alertname=\"" + alert + "\"}");
    }

    private static boolean awaitFiring(java.net.http.HttpClient http, String prometheus, String alert, boolean wanted,
            int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (firing(http, prometheus, alert).iterator().hasNext() == wanted) {
                return true;
            }
            Thread.sleep(2000);
        }
        return false;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The result vector of an instant query; fails the test when Prometheus refuses the expression. */
    private static com.fasterxml.jackson.databind.JsonNode promQuery(java.net.http.HttpClient http, String prometheus,
            String expr) {
        try {
            var response = http.send(java.net.http.HttpRequest.newBuilder(URI.create(prometheus + "/api/v1/query?query="
                    + java.net.URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            var body = JSON.readTree(response.body());
            assertThat(body.path("status").asText()).as(expr + ": " + response.body()).isEqualTo("success");
            return body.path("data").path("result");
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The demo leaves schedules.properties alone; apply adds its schedules, a second apply changes nothing. They are
     * deleted right away: a scheduled batch flow must not interleave with the other tests.
     */
    @Test
    void applyAddsTheSchedulesTheDemoLeftOutAndASecondApplyChangesNothing() {
        try {
            assertThat(cli("dataflow", "apply")).as(lastError).isZero();
            assertThat(lastOutput).contains("Data Flow plan (2 changes)").contains("add       schedule hourly-batch-flow")
                    .contains("add       schedule compact-previous-hour");
            assertThat(cli("dataflow", "apply")).as(lastError).isZero();
            assertThat(lastOutput).contains("Data Flow plan (0 changes)").contains("applied 0 changes");
            assertThat(client().schedules()).extracting(PipelineClient.ScheduleStatus::name)
                    .containsExactly("compact-previous-hour", "hourly-batch-flow");
        }
        finally {
            client().schedules().forEach(s -> dataFlow().schedulerOperations().unschedule(s.name()));
        }
    }

    @Test
    void aDefinitionTheServerRejectsIsReportedWithItsMessageAndFile() throws Exception {
        Path definitions = Files.createDirectories(home.resolve("broken-definitions"));
        try (var files = Files.list(settings().project().resolve("dataflow/definitions"))) {
            for (Path f : files.toList()) {
                Files.copy(f, definitions.resolve(f.getFileName()));
            }
        }
        Files.writeString(definitions.resolve("tasks.dsl"), "broken-task = no-such-app --x=1\n",
                java.nio.file.StandardOpenOption.APPEND);
        int exit = cli("dataflow", "--definitions", definitions.toString(), "apply");
        assertThat(exit).isEqualTo(1);
        assertThat(lastOutput).contains("add       task     broken-task");
        assertThat(lastError).contains("Data Flow rejected task 'broken-task' (dataflow/definitions/tasks.dsl)")
                .contains("no-such-app").contains("nothing was applied before it");
        assertThat(StreamSupport.stream(dataFlow().taskOperations().list().spliterator(), false))
                .noneMatch(t -> t.getName().equals("broken-task"));
    }

    @Test
    void theDashboardShowsTheStreamTheTaskExecutionsAndTheJobSteps() throws Exception {
        Dashboard browser = Dashboard.find(settings().project().resolve("dataflow/target/dashboard")).orElse(null);
        assumeTrue(browser != null, "chromium not installed (Debian package chromium): the dashboard is not checked in a browser");
        String dashboard = settings().dataflowUri() + "/dashboard/#/";
        assertThat(browser.render(dashboard + "streams/list", "streams")).contains("game-events").containsIgnoringCase("deployed");
        assertThat(browser.render(dashboard + "tasks-jobs/task-executions", "task-executions"))
                .contains("batch-flow").contains("sword-purchases-stream").contains("compact-partition");
        long job = dataFlow().jobOperations().executionThinListByJobName("batch-flow").getContent().iterator().next()
                .getExecutionId();
        assertThat(browser.render(dashboard + "tasks-jobs/job-executions/" + job, "job-steps"))
                .contains("batch-flow-spark-extract").contains("batch-flow-hive-ddl").contains("batch-flow-presto-validate")
                .contains("COMPLETED");
    }

    private static long swordPurchasesInTopic() throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings().kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        ObjectMapper json = new ObjectMapper();
        long count = 0;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor("events").stream()
                    .map(i -> new TopicPartition("events", i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            var end = c.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (var r : c.poll(Duration.ofMillis(500))) {
                    if ("purchase_sword".equals(json.readTree(r.value()).path("event_type").asText())) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static List<TaskExecutionResource> executions() {
        return StreamSupport.stream(dataFlow().taskOperations().executionList().spliterator(), false).toList();
    }

    private static StackSettings settings() {
        System.setProperty("steelthread.home", home.toString());
        return StackSettings.load();
    }

    private static DataFlowTemplate dataFlow() {
        return new DataFlowTemplate(URI.create(settings().dataflowUri()));
    }

    private static PipelineClient client() {
        return new PipelineClient(dataFlow(), new PrintStream(new ByteArrayOutputStream()));
    }

    private static int cli(String... args) {
        CommandRun run = CommandRun.of(home, args);
        lastOutput = run.out();
        lastError = run.err();
        return run.exit();
    }
}
