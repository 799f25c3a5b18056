package io.steelthread.localstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One of the project's Spring Boot apps (source, processor) run from its jar; ready when its health is UP. */
public final class SpringBootApp {

    private final String name;
    private final Path jar;
    private final int port;
    private final String heap;
    private final List<String> jvmOptions;
    private final Map<String, String> properties;
    private final Path home;
    private ChildJvm jvm;

    public SpringBootApp(String name, Path jar, int port, String heap, List<String> jvmOptions,
            Map<String, String> properties, Path home) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.heap = heap;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.properties = properties;
        this.home = home;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return home.resolve("logs").resolve(name + ".log");
    }

    public SpringBootApp start(Duration timeout) {
        if (!Files.exists(jar)) {
            throw new ServerStartException(name, "cannot start: " + jar + " is missing (build it with ./mvnw package)", null);
        }
        Ports.requireFree(name, port);
        List<String> args = new ArrayList<>();
        args.add("--server.port=" + port);
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        List<String> options = new ArrayList<>();
        options.add("-Xmx" + heap);
        options.addAll(jvmOptions);
        jvm = ChildJvm.start(name, jar.toString(), options,
                "org.springframework.boot.loader.launch.JarLauncher", args, Map.of(), home.resolve(name), logFile());
        awaitHealthy(timeout);
        return this;
    }

    public long pid() {
        return jvm == null ? -1 : jvm.pid();
    }

    public long detach() {
        jvm.detach();
        return jvm.pid();
    }

    public void stop() {
        if (jvm != null) {
            jvm.stop(Duration.ofSeconds(20));
        }
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!jvm.isAlive()) {
                throw new ServerStartException(name, "exited during start", jvm.tail(40));
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            }
            catch (Exception e) {
                last = String.valueOf(e.getMessage());
            }
            try {
                Thread.sleep(300);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        String tail = jvm.tail(40);
        stop();
        throw new ServerStartException(name, "not healthy on port " + port + " within " + timeout.toSeconds() + " s ("
                + last + ")", tail);
    }
}
