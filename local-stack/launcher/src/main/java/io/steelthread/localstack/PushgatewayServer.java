package io.steelthread.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Prometheus Pushgateway from the Debian package: Data Flow's tasks end with their JVM, so they push their
 * metrics here on exit (the streaming task also while it runs) and Prometheus scrapes them. Its state survives a
 * restart in a persistence file, so the last result of each task stays visible.
 */
public final class PushgatewayServer extends ProcessServer {

    public static final String NAME = "pushgateway";

    public record Settings(Path home, int port, Path binary, Duration startTimeout) {
    }

    private final Settings settings;

    public PushgatewayServer(Settings settings) {
        super(NAME, settings.home().resolve("logs"));
        this.settings = settings;
    }

    /** The Debian package's binary on the PATH, if installed. */
    public static Optional<Path> findBinary() {
        return onPath("prometheus-pushgateway", "pushgateway");
    }

    @Override
    public String address() {
        return "http://127.0.0.1:" + settings.port();
    }

    @Override
    public PushgatewayServer start() {
        Ports.requireFree(NAME, settings.port());
        process = ChildProcess.startCommand(NAME, List.of(settings.binary().toString(),
                "--web.listen-address=127.0.0.1:" + settings.port(),
                "--persistence.file=" + settings.home().resolve("metrics.store"),
                "--persistence.interval=30s"), Map.of(), settings.home(), logFile());
        awaitHttp(address() + "/-/ready", settings.startTimeout(), body -> true);
        return this;
    }
}
