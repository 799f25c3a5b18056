package io.steelthread.localstack.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.steelthread.localstack.KafkaServer;
import io.steelthread.localstack.KafkaServerSettings;
import io.steelthread.localstack.ServerStartException;
import io.steelthread.localstack.SpringBootApp;

/**
 * The seed's cluster as child processes: Kafka (KRaft), the processor and the game API. Each server is started only
 * if it is not running already and not configured as external; all state lives under the stack's home.
 */
public final class LocalStack {

    static final List<String> SERVERS = List.of("kafka", "processor", "source");

    private final StackSettings settings;
    private final RunState state;
    private final PrintStream out;

    public LocalStack(StackSettings settings, PrintStream out) {
        this.settings = settings;
        this.state = new RunState(settings.home());
        this.out = out;
    }

    public StackSettings settings() {
        return settings;
    }

    public void up() {
        up(SERVERS);
    }

    /** Starts what of {@code servers} is not running; on a failure stops what this call started and rethrows. */
    public void up(List<String> servers) {
        for (String server : servers) {
            if (!SERVERS.contains(server)) {
                throw new IllegalArgumentException("unknown server '" + server + "'; servers: " + SERVERS);
            }
        }
        if (servers.stream().allMatch(s -> settings.isExternal(s) || running(s).isPresent())) {
            out.println("steelthread: the stack is already running (" + settings.home() + ")");
            status();
            return;
        }
        List<String> startedNow = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(Long.parseLong(settings.get("start-timeout-seconds")));
        try {
            for (String server : SERVERS.stream().filter(servers::contains).toList()) {
                if (settings.isExternal(server)) {
                    out.printf("  %-10s external: %s%n", server, settings.get(server + ".external"));
                    continue;
                }
                if (running(server).isPresent()) {
                    out.printf("  %-10s already running%n", server);
                    continue;
                }
                long t0 = System.nanoTime();
                out.printf("  %-10s starting ...%n", server);
                RunState.Entry entry = start(server, timeout);
                state.record(entry);
                startedNow.add(server);
                out.printf("  %-10s up in %.1f s, pid %d%n", server, (System.nanoTime() - t0) / 1e9, entry.pid());
            }
        }
        catch (RuntimeException e) {
            out.println("steelthread: start failed, stopping what was started: " + startedNow);
            for (int i = startedNow.size() - 1; i >= 0; i--) {
                stop(startedNow.get(i));
            }
            throw e;
        }
        status();
    }

    private RunState.Entry start(String server, Duration timeout) {
        Path home = settings.home();
        return switch (server) {
            case "kafka" -> {
                KafkaServerSettings s = new KafkaServerSettings(home.resolve("kafka"), "127.0.0.1", settings.port("kafka"),
                        Integer.parseInt(settings.get("kafka.controller-port")), settings.kafkaLibs(),
                        settings.heap("kafka"), Integer.parseInt(settings.get("topics.partitions")), timeout, Map.of());
                KafkaServer kafka = new KafkaServer(s).start();
                kafka.createTopics(List.of(settings.get("topics.raw"), settings.get("topics.events"),
                        settings.get("topics.dlq")), Integer.parseInt(settings.get("topics.partitions")));
                yield new RunState.Entry(server, kafka.detach(), kafka.bootstrapServers(), kafka.logFile());
            }
            case "processor" -> app(server, "processor-app", timeout, Map.of(
                    "spring.cloud.stream.bindings.input.destination", settings.get("topics.raw"),
                    "spring.cloud.stream.bindings.output.destination", settings.get("topics.events"),
                    "steelthread.processor.dlq-topic", settings.get("topics.dlq")));
            case "source" -> app(server, "source-app", timeout, Map.of(
                    "spring.cloud.stream.bindings.output.destination", settings.get("topics.raw")));
            default -> throw new IllegalArgumentException("unknown server " + server);
        };
    }

    private RunState.Entry app(String server, String module, Duration timeout, Map<String, String> properties) {
        Map<String, String> all = new java.util.LinkedHashMap<>(properties);
        all.put("spring.cloud.stream.kafka.binder.brokers", settings.kafkaBootstrap());
        SpringBootApp app = new SpringBootApp(server, settings.appJar(module), settings.port(server),
                settings.heap(server), settings.jvmOptions(server), all, settings.home()).start(timeout);
        return new RunState.Entry(server, app.detach(), "http://127.0.0.1:" + app.port(), app.logFile());
    }

    public Optional<RunState.Entry> running(String server) {
        return state.find(server).filter(RunState.Entry::isAlive);
    }

    public void status() {
        out.printf("%-10s %-28s %-8s %8s %9s  %s%n", "SERVER", "ADDRESS", "STATE", "PID", "RSS(MB)", "LOG");
        long total = 0;
        for (String server : SERVERS) {
            if (settings.isExternal(server)) {
                out.printf("%-10s %-28s %-8s%n", server, settings.get(server + ".external"), "external");
                continue;
            }
            Optional<RunState.Entry> entry = state.find(server);
            if (entry.isEmpty()) {
                out.printf("%-10s %-28s %-8s%n", server, "-", "stopped");
                continue;
            }
            RunState.Entry e = entry.get();
            boolean alive = e.isAlive();
            long rss = alive ? ProcessMemory.rssMegabytes(e.pid()) : 0;
            total += rss;
            out.printf("%-10s %-28s %-8s %8d %9s  %s%n", server, e.address(), alive ? "running" : "dead", e.pid(),
                    alive ? String.valueOf(rss) : "-", e.log());
        }
        out.printf("total RSS of running servers: %d MB; state in %s%n", total, settings.home());
    }

    /** Stops every server this stack started, newest first: SIGTERM, then SIGKILL after 30 s. */
    public void down(boolean purge) {
        for (int i = SERVERS.size() - 1; i >= 0; i--) {
            stop(SERVERS.get(i));
        }
        if (purge) {
            deleteState();
            out.println("steelthread: data purged from " + settings.home());
        }
    }

    private void stop(String server) {
        state.find(server).ifPresent(entry -> {
            ProcessHandle.of(entry.pid()).ifPresent(p -> {
                out.printf("  %-10s stopping pid %d%n", server, entry.pid());
                p.destroy();
                try {
                    p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                }
                catch (Exception timeout) {
                    p.destroyForcibly();
                }
            });
            state.forget(server);
        });
    }

    /** Everything under the home but the user's own settings file. */
    private void deleteState() {
        Path home = settings.home();
        if (!Files.exists(home)) {
            return;
        }
        try (var paths = Files.walk(home)) {
            paths.sorted(Comparator.reverseOrder())
                    .filter(p -> !p.equals(home) && !p.equals(home.resolve("stack.properties")))
                    .forEach(p -> p.toFile().delete());
        }
        catch (IOException e) {
            throw new ServerStartException("local stack", "cannot purge " + home + ": " + e.getMessage(), null);
        }
    }
}
