package io.steelthread.localstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/** What every child-process server shares: its name, its log file, detaching and stopping its process. */
abstract class ProcessServer implements Server {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path logDirectory;
    protected ChildProcess process;

    protected ProcessServer(String name, Path logDirectory) {
        this.name = name;
        this.logDirectory = logDirectory;
    }

    /** The first of these executables found on the PATH: an optional server installed from a Debian package. */
    protected static java.util.Optional<Path> onPath(String... names) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .flatMap(dir -> java.util.Arrays.stream(names).map(name -> Path.of(dir, name)))
                .filter(java.nio.file.Files::isExecutable).findFirst();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path logFile() {
        return logDirectory.resolve(name + ".log");
    }

    public long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public long detach() {
        process.detach();
        return process.pid();
    }

    @Override
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(20));
        }
    }

    /** Waits until {@code GET url} answers 200 with a body {@code ready} accepts. */
    protected void awaitHttp(String url, Duration timeout, Predicate<String> ready) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
        Readiness.await(process, "GET " + url, timeout, () -> {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && ready.test(r.body())) {
                return true;
            }
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        });
    }
}
