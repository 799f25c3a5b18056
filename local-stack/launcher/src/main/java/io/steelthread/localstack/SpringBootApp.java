package io.steelthread.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spring Boot server run with {@code java -jar}: the project's apps (ready when {@code /actuator/health} is UP)
 * and the Data Flow and Skipper servers (ready when their {@code about} resource answers).
 */
public final class SpringBootApp extends ProcessServer {

    private final Path jar;
    private final int port;
    private final List<String> jvmOptions;
    private final Map<String, String> properties;
    private final Path home;
    private final String readinessPath;
    private Duration startTimeout = Duration.ofSeconds(120);
    private String host = "127.0.0.1";
    private int managementPort = -1;
    private Path loaderPath;

    /**
     * @param jvmOptions    including -Xmx
     * @param properties    passed as {@code --key=value} arguments
     * @param readinessPath answered with 200 once the server is ready; for {@code /actuator/health} the status must
     *                      also be UP
     */
    public SpringBootApp(String name, Path jar, int port, List<String> jvmOptions, Map<String, String> properties,
            Path home, String readinessPath) {
        super(name, home.resolve("logs"));
        this.jar = jar;
        this.port = port;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.properties = properties;
        this.home = home;
        this.readinessPath = readinessPath;
    }

    /** One of the project's own apps, ready when its actuator health is UP. */
    public static SpringBootApp projectApp(String name, Path jar, int port, List<String> jvmOptions,
            Map<String, String> properties, Path home) {
        return new SpringBootApp(name, jar, port, jvmOptions, properties, home, "/actuator/health");
    }

    /** Where this machine reaches the server, when it is bound to one address that is not loopback. */
    public SpringBootApp withHost(String host) {
        this.host = host;
        return this;
    }

    /** Actuator on its own port ({@code management.server.port}): readiness is checked there. */
    public SpringBootApp withManagementPort(int port) {
        this.managementPort = port;
        return this;
    }

    /**
     * Extra jars for the server's classpath (a directory), through Spring Boot's {@code PropertiesLauncher}: how the
     * Data Flow server gets the local scheduler without being repackaged.
     */
    public SpringBootApp withLoaderPath(Path directory) {
        this.loaderPath = directory;
        return this;
    }

    public SpringBootApp withStartTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }


    public int port() {
        return port;
    }

    @Override
    public String address() {
        return "http://" + host + ":" + port;
    }


    @Override
    public SpringBootApp start() {
        if (!Files.exists(jar)) {
            throw new ServerStartException(name(), "cannot start: " + jar + " is missing (build it with ./mvnw package)", null);
        }
        Ports.requireFree(name(), port);
        if (managementPort > 0) {
            Ports.requireFree(name(), managementPort);
        }
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.javaExecutable());
        command.addAll(jvmOptions);
        if (loaderPath != null) {
            if (!Files.isDirectory(loaderPath)) {
                throw new ServerStartException(name(), "cannot start: " + loaderPath + " is missing (build it with ./mvnw package)", null);
            }
            command.add("-Dloader.path=" + loaderPath);
            command.add("-cp");
            command.add(jar.toString());
            command.add("org.springframework.boot.loader.PropertiesLauncher");
        }
        else {
            command.add("-jar");
            command.add(jar.toString());
        }
        command.add("--server.port=" + port);
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        process = ChildProcess.startCommand(name(), command, Map.of(), home.resolve(name()), logFile());
        awaitReady();
        return this;
    }




    /** For {@code /actuator/health} the status must be UP, not only the answer 200. */
    private void awaitReady() {
        boolean health = readinessPath.endsWith("/health");
        String base = managementPort > 0 ? "http://127.0.0.1:" + managementPort : address();
        awaitHttp(base + readinessPath, startTimeout, body -> !health || body.contains("\"UP\""));
    }
}
