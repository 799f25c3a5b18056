package io.steelthread.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Prometheus from the Debian package, scraping the stack with the project's monitoring/prometheus.yml. */
public final class PrometheusServer extends ProcessServer {

    public static final String NAME = "prometheus";

    /** @param config the scrape configuration (rendered with the stack's ports) */
    public record Settings(Path home, int port, Path binary, Path config, Duration startTimeout) {
    }

    private final Settings settings;

    public PrometheusServer(Settings settings) {
        super(NAME, settings.home().resolve("logs"));
        this.settings = settings;
    }

    /** The prometheus binary on the PATH, if installed. */
    public static java.util.Optional<Path> findBinary() {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "prometheus")).filter(Files::isExecutable).findFirst();
    }


    @Override
    public String address() {
        return "http://127.0.0.1:" + settings.port();
    }


    @Override
    public PrometheusServer start() {
        Ports.requireFree(NAME, settings.port());
        process = ChildProcess.startCommand(NAME, List.of(settings.binary().toString(),
                "--config.file=" + settings.config(), "--storage.tsdb.path=" + settings.home().resolve("data"),
                "--web.listen-address=127.0.0.1:" + settings.port(), "--web.enable-lifecycle"), Map.of(),
                settings.home(), logFile());
        awaitHttp(address() + "/-/ready", settings.startTimeout(), body -> true);
        return this;
    }


}
