package io.steelthread.localstack.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.steelthread.localstack.HiveMetastoreServer;
import io.steelthread.localstack.HiveServer2;
import io.steelthread.localstack.KafkaServer;
import io.steelthread.localstack.KafkaServerSettings;
import io.steelthread.localstack.PrestoServer;
import io.steelthread.localstack.PrometheusServer;
import io.steelthread.localstack.PushgatewayServer;
import io.steelthread.localstack.Server;
import io.steelthread.localstack.SpringBootApp;

/** Builds each server of the stack from the settings, wired to the addresses of the others. */
final class StackServers {

    /** In start order: each server's dependencies come before it. */
    static final List<String> ORDER = List.of("kafka", "metastore", "hiveserver2", "presto", "pushgateway", "skipper",
            "dataflow", "processor", "source", "freshness", "prometheus");

    private final StackSettings s;

    StackServers(StackSettings settings) {
        this.s = settings;
    }

    /** The server, or empty when it is optional and not installed (Prometheus, the Pushgateway). */
    Optional<Server> create(String name) {
        Path home = s.home();
        return Optional.ofNullable(switch (name) {
            case "kafka" -> new KafkaServer(new KafkaServerSettings(home.resolve("kafka"), "127.0.0.1", s.port("kafka"),
                    Integer.parseInt(s.get("kafka.controller-port")), s.kafkaLibs(), s.heap("kafka"),
                    Integer.parseInt(s.get("topics.partitions")), s.startTimeout(), Map.of()));
            case "metastore" -> new HiveMetastoreServer(new HiveMetastoreServer.Settings(home.resolve("metastore"),
                    s.port("metastore"), s.runtime("hive-metastore-runtime/target/lib"), metastoreDistribution(),
                    s.warehouse(), s.heap("metastore"), s.get("metastore.jdbc-url"), s.get("metastore.jdbc-user"),
                    s.get("metastore.jdbc-password"), s.startTimeout()));
            case "hiveserver2" -> new HiveServer2(new HiveServer2.Settings(home.resolve("hiveserver2"),
                    s.port("hiveserver2"), s.sparkHome(), s.metastoreUri(), s.warehouse(), s.heap("hiveserver2"),
                    s.startTimeout()));
            case "presto" -> new PrestoServer(new PrestoServer.Settings(home.resolve("presto"), s.port("presto"),
                    s.runtime("presto-runtime/target/lib"), s.runtime("presto-hive-plugin/target/plugin"),
                    s.metastoreUri(), s.heap("presto"), s.startTimeout()));
            case "skipper" -> new SpringBootApp("skipper", s.runtime("dataflow-runtime/target/skipper-server.jar"),
                    s.port("skipper"), jvm("skipper"), opened(Map.of(
                            "spring.datasource.url", h2(home.resolve("skipper/db")),
                            "spring.datasource.username", "sa",
                            "spring.datasource.driver-class-name", "org.h2.Driver",
                            "spring.cloud.skipper.server.platform.local.accounts.default.working-directories-root",
                            home.resolve("skipper/work").toString()), "server.address"),
                    home, "/actuator/health").withHost(s.localHostFor(s.bindAddress())).withStartTimeout(s.startTimeout());
            case "dataflow" -> new SpringBootApp("dataflow", s.runtime("dataflow-runtime/target/dataflow-server.jar"),
                    s.port("dataflow"), jvm("dataflow"), opened(dataflowProperties(home), "server.address"), home,
                    "/management/health")
                    .withLoaderPath(s.project().resolve("flows/local-scheduler/target/plugin"))
                    .withHost(s.localHostFor(s.bindAddress())).withStartTimeout(s.startTimeout());
            case "processor" -> SpringBootApp.projectApp("processor", s.appJar("processor-app"), s.port("processor"),
                    jvm("processor"), withBroker(Map.of(
                            "spring.cloud.stream.bindings.input.destination", s.get("topics.raw"),
                            "spring.cloud.stream.bindings.output.destination", s.get("topics.events"),
                            "steelthread.processor.dlq-topic", s.get("topics.dlq"), "server.address", LOOPBACK)), home)
                    .withStartTimeout(s.startTimeout());
            case "source" -> SpringBootApp.projectApp("source", s.appJar("source-app"), s.port("source"), jvm("source"),
                    withBroker(Map.of("spring.cloud.stream.bindings.output.destination", s.get("topics.raw"),
                            "server.address", s.bindAddress(), "management.server.port", s.get("source.management-port"),
                            "management.server.address", LOOPBACK)), home)
                    .withManagementPort(Integer.parseInt(s.get("source.management-port")))
                    .withStartTimeout(s.startTimeout());
            case "pushgateway" -> PushgatewayServer.findBinary().map(binary -> new PushgatewayServer(
                    new PushgatewayServer.Settings(home.resolve("pushgateway"), s.port("pushgateway"), binary,
                            s.startTimeout()))).orElse(null);
            case "freshness" -> SpringBootApp.projectApp("freshness", s.appJar("monitoring"), s.port("freshness"),
                    jvm("freshness"), Map.of("steelthread.freshness.jdbc-url", s.prestoJdbcUrl(),
                            "server.address", LOOPBACK), home)
                    .withStartTimeout(s.startTimeout());
            case "prometheus" -> PrometheusServer.findBinary().map(binary -> new PrometheusServer(
                    new PrometheusServer.Settings(home.resolve("prometheus"), s.port("prometheus"), binary,
                            prometheusConfig(home), s.project().resolve("monitoring/consoles"),
                            PrometheusServer.findConsoleLibraries().orElse(null), s.startTimeout()))).orElse(null);
            default -> throw new IllegalArgumentException("unknown server '" + name + "'; servers: " + ORDER);
        });
    }

    /**
     * Kafka counts as up after a produce/consume round trip; the pipeline's topics exist before any consumer or
     * Spark query subscribes (a streaming query on a missing topic dies).
     */
    void afterStart(String name, Server server) {
        if (server instanceof KafkaServer kafka) {
            kafka.createTopics(List.of(HEALTH_TOPIC, s.get("topics.raw"), s.get("topics.events"), s.get("topics.dlq")),
                    Integer.parseInt(s.get("topics.partitions")));
            kafka.roundTrip(HEALTH_TOPIC, java.time.Duration.ofSeconds(30));
        }
    }

    static final String HEALTH_TOPIC = "steelthread.health";

    /**
     * Every server of the stack but those {@code bind-address} opens listens on loopback only: nothing in it has
     * authentication, and Data Flow and Skipper run any app they are given.
     */
    static final String LOOPBACK = "127.0.0.1";

    private List<String> jvm(String server) {
        List<String> options = new ArrayList<>();
        options.add("-Xmx" + s.heap(server));
        // H2's AUTO_SERVER mode (Data Flow's and Skipper's databases, shared with their tasks) opens a TCP port.
        options.add("-Dh2.bindAddress=" + LOOPBACK);
        options.addAll(s.jvmOptions(server));
        return options;
    }

    /**
     * The server's properties with {@code addressKey} set to the bind address and, when the stack is opened, the
     * security settings file added (LocalStack.up refuses an opened stack without one).
     */
    private Map<String, String> opened(Map<String, String> properties, String addressKey) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.put(addressKey, s.bindAddress());
        s.dataflowSecurityConfig().ifPresent(file -> all.put("spring.config.additional-location", file.toUri().toString()));
        return all;
    }

    private Map<String, String> withBroker(Map<String, String> properties) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.put("spring.cloud.stream.kafka.binder.brokers", s.kafkaBootstrap());
        return all;
    }

    private Map<String, String> dataflowProperties(Path home) {
        Map<String, String> p = new LinkedHashMap<>();
        // A file database, so definitions and history survive a restart (and no H2 TCP port is opened).
        p.put("spring.datasource.url", h2(home.resolve("dataflow/db")));
        p.put("spring.datasource.username", "sa");
        p.put("spring.datasource.driver-class-name", "org.h2.Driver");
        p.put("spring.cloud.skipper.client.serverUri", "http://" + s.localHostFor(s.bindAddress()) + ":"
                + s.port("skipper") + "/api");
        p.put("spring.cloud.dataflow.task.platform.local.accounts[default].working-directories-root",
                home.resolve("dataflow/work").toString());
        // Tasks without JVM options of their own (the flow runner, the probe) start small and fast; a flow's
        // runner is a JVM per flow run that mostly waits.
        p.put("spring.cloud.dataflow.task.platform.local.accounts[default].javaOpts",
                "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dh2.bindAddress=127.0.0.1");
        // Flows (composed tasks) run on our runner, which launches their children through this server's address.
        p.put("spring.cloud.dataflow.task.composedtaskrunner.uri", s.appJar("flows/flow-runner").toUri().toString());
        p.put("spring.cloud.dataflow.server.uri", s.dataflowUri());
        // A secured server: a flow launched by a user gets that user's token to launch its children with, unless
        // the security file gives flows client credentials of their own. Those are needed by a schedule's flows
        // (no user, no token: Data Flow refuses such a launch while use-user-access-token is on).
        s.dataflowSecurityConfig().filter(file -> !givesFlowsClientCredentials(file)).ifPresent(file ->
                p.put("spring.cloud.dataflow.task.composedtaskrunner.use-user-access-token", "true"));
        // Tasks end with their JVM: they push their metrics to the stack's Pushgateway (on exit; the streaming
        // task also while it runs). Common task properties reach flows made in the dashboard too.
        if (PushgatewayServer.findBinary().isPresent() || s.isExternal("pushgateway")) {
            p.put("spring.cloud.dataflow.applicationProperties.task.management.metrics.export.prometheus.pushgateway.enabled",
                    "true");
            p.put("spring.cloud.dataflow.applicationProperties.task.management.metrics.export.prometheus.pushgateway.base-url",
                    s.pushgatewayUri());
        }
        // Schedules on the local platform: the local scheduler plug-in (flows/local-scheduler) on the loader path.
        p.put("spring.cloud.dataflow.features.schedules-enabled", "true");
        // Data Flow gives stream apps no broker address of its own.
        p.put("spring.cloud.dataflow.applicationProperties.stream.spring.cloud.stream.kafka.binder.brokers",
                s.kafkaBootstrap());
        return p;
    }

    static final String FLOW_CLIENT_ID = "spring.cloud.dataflow.applicationProperties.task.oauth2-client-credentials-client-id";

    private static boolean givesFlowsClientCredentials(Path securityConfig) {
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newBufferedReader(securityConfig)) {
            properties.load(in);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read dataflow.security-config " + securityConfig, e);
        }
        return !properties.getProperty(FLOW_CLIENT_ID, "").isBlank();
    }

    private static String h2(Path file) {
        return "jdbc:h2:file:" + file + ";AUTO_SERVER=TRUE";
    }

    private Path metastoreDistribution() {
        Path unpacked = s.runtime("hive-metastore-runtime/target/metastore-home");
        try (var dirs = Files.list(unpacked)) {
            return dirs.filter(Files::isDirectory).findFirst().orElse(unpacked);
        }
        catch (IOException e) {
            return unpacked;
        }
    }

    /**
     * monitoring/prometheus.yml with the default ports replaced by this stack's, and the alert rules beside it
     * (the configuration names them relative to itself).
     */
    private Path prometheusConfig(Path home) {
        Path template = s.project().resolve("monitoring/prometheus.yml");
        try {
            String yml = Files.readString(template);
            for (String server : List.of("source", "processor", "dataflow", "skipper", "pushgateway", "freshness",
                    "prometheus")) {
                yml = yml.replace("127.0.0.1:" + defaultPort(server), "127.0.0.1:" + scrapePort(server));
            }
            Path rendered = home.resolve("prometheus/prometheus.yml");
            Path rules = Files.createDirectories(rendered.resolveSibling("rules"));
            try (var files = Files.list(s.project().resolve("monitoring/rules"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yml")).toList()) {
                    Files.copy(file, rules.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return Files.writeString(rendered, yml);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot render " + template, e);
        }
    }

    private int scrapePort(String server) {
        return server.equals("source") ? Integer.parseInt(s.get("source.management-port")) : s.port(server);
    }

    private static int defaultPort(String server) {
        return switch (server) {
            case "source" -> 5010;
            case "processor" -> 5001;
            case "dataflow" -> 9393;
            case "pushgateway" -> 9091;
            case "freshness" -> 5020;
            case "prometheus" -> 9090;
            default -> 7577;
        };
    }
}
