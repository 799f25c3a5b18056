package io.steelthread.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Prometheus from the Debian package, scraping the stack with the project's monitoring/prometheus.yml. */
public final class PrometheusServer extends ProcessServer {

    public static final String NAME = "prometheus";

    /**
     * @param config           the scrape configuration (rendered with the stack's ports)
     * @param consoles         console templates served under /consoles/, or null
     * @param consoleLibraries the templates they include, or null
     */
    public record Settings(Path home, int port, Path binary, Path config, Path consoles, Path consoleLibraries,
            Duration startTimeout) {
    }

    /** Where Debian's package keeps the console template libraries (prom.lib, menu.lib). */
    public static java.util.Optional<Path> findConsoleLibraries() {
        return java.util.stream.Stream.of("/usr/share/prometheus/console_libraries",
                        "/usr/share/doc/prometheus/examples/console_libraries", "/etc/prometheus/console_libraries")
                .map(Path::of).filter(dir -> Files.isRegularFile(dir.resolve("prom.lib"))).findFirst();
    }

    private final Settings settings;

    public PrometheusServer(Settings settings) {
        super(NAME, settings.home().resolve("logs"));
        this.settings = settings;
    }

    /** The prometheus binary on the PATH, if installed. */
    public static java.util.Optional<Path> findBinary() {
        return onPath("prometheus");
    }


    @Override
    public String address() {
        return "http://127.0.0.1:" + settings.port();
    }


    @Override
    public PrometheusServer start() {
        Ports.requireFree(NAME, settings.port());
        List<String> command = new java.util.ArrayList<>(List.of(settings.binary().toString(),
                "--config.file=" + settings.config(), "--storage.tsdb.path=" + settings.home().resolve("data"),
                "--web.listen-address=127.0.0.1:" + settings.port(), "--web.enable-lifecycle"));
        if (settings.consoles() != null) {
            command.add("--web.console.templates=" + settings.consoles());
        }
        if (settings.consoleLibraries() != null) {
            command.add("--web.console.libraries=" + settings.consoleLibraries());
        }
        process = ChildProcess.startCommand(NAME, command, Map.of(), settings.home(), logFile());
        awaitHttp(address() + "/-/ready", settings.startTimeout(), body -> true);
        return this;
    }


}
