package io.steelthread.localstack.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The stack's one settings file: built-in defaults, overridden by {@code $STEELTHREAD_HOME/stack.properties}, then
 * by {@code -Dsteelthread.<key>=…}.
 */
public final class StackSettings {

    private final Path home;
    private final Path project;
    private final Properties values = new Properties();

    public StackSettings(Path home, Path project) {
        this.home = home.toAbsolutePath().normalize();
        this.project = project.toAbsolutePath().normalize();
        try (InputStream defaults = StackSettings.class.getResourceAsStream("/stack-defaults.properties")) {
            values.load(defaults);
            Path overrides = this.home.resolve("stack.properties");
            if (Files.exists(overrides)) {
                try (Reader reader = Files.newBufferedReader(overrides)) {
                    values.load(reader);
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("steelthread.")
                && !k.equals("steelthread.project") && !k.equals("steelthread.kafka.libs") && !k.equals("steelthread.home"))
                .forEach(k -> values.setProperty(k.substring("steelthread.".length()), System.getProperty(k)));
    }

    /** {@code -Dsteelthread.home}, else {@code $STEELTHREAD_HOME}, else {@code ./.steelthread}. */
    public static StackSettings load() {
        String env = System.getProperty("steelthread.home", System.getenv("STEELTHREAD_HOME"));
        Path project = Path.of(System.getProperty("steelthread.project", "."));
        return new StackSettings(env == null || env.isBlank() ? project.resolve(".steelthread") : Path.of(env), project);
    }

    public Path home() {
        return home;
    }

    public Path project() {
        return project;
    }

    public String get(String key) {
        String value = values.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("no setting '" + key + "' in stack.properties");
        }
        return value.trim();
    }

    /** A setting that may be absent: blank then. */
    public String optional(String key) {
        return values.getProperty(key, "").trim();
    }

    public int port(String server) {
        return Integer.parseInt(get(server + ".port"));
    }

    public String heap(String server) {
        return get(server + ".heap");
    }

    /** Extra JVM options of a server ({@code <server>.jvm-options}, space separated). */
    public java.util.List<String> jvmOptions(String server) {
        String options = values.getProperty(server + ".jvm-options", "").trim();
        return options.isEmpty() ? java.util.List.of() : java.util.List.of(options.split("\\s+"));
    }

    /** {@code bind-address}: where the servers meant for other machines listen (loopback by default). */
    public String bindAddress() {
        return get("bind-address");
    }

    /** Whether {@link #bindAddress()} opens those servers beyond this machine. */
    public boolean isOpened() {
        try {
            return !java.net.InetAddress.getByName(bindAddress()).isLoopbackAddress();
        }
        catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("bind-address '" + bindAddress() + "' is not an address of this machine", e);
        }
    }

    /** The host clients on this machine use to reach a server bound to {@link #bindAddress()}. */
    public String localHostFor(String bindAddress) {
        return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
    }

    /** {@code dataflow.security-config}: Data Flow's and Skipper's security settings file, if configured. */
    public java.util.Optional<Path> dataflowSecurityConfig() {
        String file = values.getProperty("dataflow.security-config", "").trim();
        return file.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(file).toAbsolutePath());
    }

    public boolean isExternal(String server) {
        return !values.getProperty(server + ".external", "").isBlank();
    }

    /** Where a server is reached: its external address if configured, else the local one. */
    public String addressOf(String server, String localAddress) {
        return isExternal(server) ? get(server + ".external") : localAddress;
    }

    /** The table storage root, without a trailing slash (Path.toUri adds one once the directory exists). */
    public String warehouse() {
        String configured = values.getProperty("warehouse", "").trim();
        String root = configured.isEmpty() ? home.resolve("warehouse").toUri().toString() : configured;
        return root.replaceAll("/+$", "");
    }

    public String metastoreUri() {
        return addressOf("metastore", "thrift://127.0.0.1:" + port("metastore"));
    }

    /** HiveServer2's JDBC URL (hive-jdbc), local or external. */
    public String hiveServer2JdbcUrl() {
        return addressOf("hiveserver2", "jdbc:hive2://127.0.0.1:" + port("hiveserver2") + "/default");
    }

    /** Presto's JDBC URL on the {@code hive} catalog's {@code default} schema, local or external. */
    public String prestoJdbcUrl() {
        String presto = addressOf("presto", "http://127.0.0.1:" + port("presto"));
        return presto.replaceFirst("^https?://", "jdbc:presto://") + "/hive/default";
    }

    /** Where tasks push their metrics: the stack's Pushgateway or {@code pushgateway.external}. */
    public String pushgatewayUri() {
        return addressOf("pushgateway", "http://127.0.0.1:" + port("pushgateway"));
    }

    /** The Data Flow server's REST root, local or external. */
    public String dataflowUri() {
        return addressOf("dataflow", "http://" + localHostFor(bindAddress()) + ":" + port("dataflow"));
    }

    /** The Spark home SparkLauncher uses: {@code spark.home} if set, else the one the build assembled. */
    public Path sparkHome() {
        String configured = values.getProperty("spark.home", "").trim();
        return configured.isEmpty() ? runtime("spark-runtime/target/spark-home") : Path.of(configured);
    }

    public String kafkaBootstrap() {
        return isExternal("kafka") ? get("kafka.external") : "127.0.0.1:" + port("kafka");
    }

    public Path kafkaLibs() {
        String libs = System.getProperty("steelthread.kafka.libs");
        return libs != null ? Path.of(libs) : runtime("kafka-runtime/target/lib");
    }

    /** What a local-stack runtime module assembled under its target/. */
    public Path runtime(String relative) {
        return project.resolve("local-stack").resolve(relative);
    }

    public java.time.Duration startTimeout() {
        return java.time.Duration.ofSeconds(Long.parseLong(get("start-timeout-seconds")));
    }

    /** The jar a module built: {@code <module dir>/target/<artifact>-<version>.jar}. */
    public Path appJar(String moduleDir) {
        String artifact = Path.of(moduleDir).getFileName().toString();
        Path target = project.resolve(moduleDir).resolve("target");
        try (var files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches(artifact + "-[0-9].*\\.jar")
                    && !p.getFileName().toString().endsWith("-sources.jar")).findFirst()
                    .orElse(target.resolve(artifact + ".jar"));
        }
        catch (IOException e) {
            return target.resolve(artifact + ".jar");
        }
    }
}
