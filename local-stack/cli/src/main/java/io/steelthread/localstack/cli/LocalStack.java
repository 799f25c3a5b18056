package io.steelthread.localstack.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.steelthread.localstack.ChildProcess;
import io.steelthread.localstack.Server;
import io.steelthread.localstack.ServerStartException;

/**
 * The seed's cluster as child processes: Kafka, Hive metastore, HiveServer2, Presto, Skipper and Data Flow, the
 * processor, the game API and Prometheus. Each server is started only if it is not running already and not
 * configured as external; all state lives under the stack's home.
 */
public final class LocalStack {

    /** Every server, in start order. */
    public static final List<String> SERVERS = StackServers.ORDER;

    private final StackSettings settings;
    private final StackServers servers;
    private final RunState state;
    private final PrintStream out;

    public LocalStack(StackSettings settings, PrintStream out) {
        this.settings = settings;
        this.servers = new StackServers(settings);
        this.state = new RunState(settings.home());
        this.out = out;
    }

    public StackSettings settings() {
        return settings;
    }

    public void up() {
        up(SERVERS);
    }

    /** Starts what of {@code wanted} is not running; on a failure stops what this call started and rethrows. */
    public void up(List<String> wanted) {
        for (String server : wanted) {
            if (!SERVERS.contains(server)) {
                throw new IllegalArgumentException("unknown server '" + server + "'; servers: " + SERVERS);
            }
        }
        refuseUnauthenticatedExposure();
        if (wanted.stream().allMatch(s -> settings.isExternal(s) || running(s).isPresent())) {
            out.println("steelthread: already running, nothing to start (" + settings.home() + ")");
            status(wanted);
            return;
        }
        long start = System.nanoTime();
        List<String> startedNow = new ArrayList<>();
        try {
            for (String name : SERVERS.stream().filter(wanted::contains).toList()) {
                if (settings.isExternal(name)) {
                    out.printf("  %-12s external: %s%n", name, settings.get(name + ".external"));
                    continue;
                }
                if (running(name).isPresent()) {
                    out.printf("  %-12s already running%n", name);
                    continue;
                }
                Optional<Server> server = servers.create(name);
                if (server.isEmpty()) {
                    out.printf("  %-12s not installed, skipped%n", name);
                    continue;
                }
                long t0 = System.nanoTime();
                out.printf("  %-12s starting ...%n", name);
                out.flush();
                Server s = server.get();
                try {
                    s.start();
                    servers.afterStart(name, s);
                }
                catch (RuntimeException e) {
                    s.stop();
                    throw e;
                }
                long pid = s.detach();
                state.record(new RunState.Entry(name, pid, s.address(), s.logFile()));
                startedNow.add(name);
                out.printf("  %-12s up in %.1f s, pid %d%n", name, (System.nanoTime() - t0) / 1e9, pid);
            }
        }
        catch (RuntimeException e) {
            out.println("steelthread: start failed, stopping what was started: " + startedNow);
            for (int i = startedNow.size() - 1; i >= 0; i--) {
                stop(startedNow.get(i));
            }
            throw e;
        }
        out.printf("steelthread: up in %.1f s%n", (System.nanoTime() - start) / 1e9);
        status(wanted);
    }

    /**
     * Data Flow and Skipper register and run any app they are given: opened to the network, they must require
     * authentication. Checked before anything starts.
     */
    private void refuseUnauthenticatedExposure() {
        if (!settings.isOpened()) {
            return;
        }
        Optional<Path> security = settings.dataflowSecurityConfig();
        if (security.isEmpty()) {
            throw new ExposureRefusedException("bind-address=" + settings.bindAddress() + " would open Data Flow and "
                    + "Skipper (they run any app they are given) and the game API to the network, and no "
                    + "authentication is configured. Set dataflow.security-config to a file with their "
                    + "spring.security.oauth2.* settings (README, Security), or keep bind-address=127.0.0.1. "
                    + "Nothing was started.");
        }
        if (!Files.isReadable(security.get())) {
            throw new ExposureRefusedException("dataflow.security-config=" + security.get()
                    + " cannot be read; nothing was started.");
        }
    }

    /** {@code up} refused to open the stack to the network without authentication. */
    public static final class ExposureRefusedException extends IllegalStateException {

        ExposureRefusedException(String message) {
            super(message);
        }
    }

    public Optional<RunState.Entry> running(String server) {
        return state.find(server).filter(RunState.Entry::isAlive);
    }

    /** Where a server of this stack writes its log (the file {@code status} lists), whether or not it runs. */
    public Optional<java.nio.file.Path> logFile(String server) {
        return state.find(server).map(RunState.Entry::log).or(() -> servers.create(server).map(Server::logFile));
    }

    /** The pid of a server this stack started and that is running. */
    public Optional<Long> pid(String server) {
        return running(server).map(RunState.Entry::pid);
    }

    public void status() {
        status(SERVERS);
    }

    /** The status table of these servers. */
    public void status(List<String> names) {
        out.printf("%-12s %-40s %-8s %8s %8s  %s%n", "SERVER", "ADDRESS", "STATE", "PID", "RSS(MB)", "LOG");
        long total = 0;
        for (String server : names) {
            if (settings.isExternal(server)) {
                out.printf("%-12s %-40s %-8s%n", server, settings.get(server + ".external"), "external");
                continue;
            }
            Optional<RunState.Entry> entry = state.find(server);
            if (entry.isEmpty()) {
                out.printf("%-12s %-40s %-8s%n", server, "-", "stopped");
                continue;
            }
            RunState.Entry e = entry.get();
            boolean alive = e.isAlive();
            long rss = alive ? ProcessMemory.rssMegabytes(e.pid()) : 0;
            total += rss;
            out.printf("%-12s %-40s %-8s %8d %8s  %s%n", server, e.address(), alive ? "running" : "dead", e.pid(),
                    alive ? String.valueOf(rss) : "-", e.log());
        }
        state.find("prometheus").filter(RunState.Entry::isAlive).ifPresent(p -> out.printf(
                "Monitoring: %s/consoles/steelthread.html (overview), %s/alerts; Grafana: monitoring/grafana%n",
                p.address(), p.address()));
        out.printf("Spark home (SparkLauncher): %s%n", settings.sparkHome());
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
                out.printf("  %-12s stopping pid %d%n", server, entry.pid());
                ChildProcess.terminate(p, java.time.Duration.ofSeconds(30));
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
