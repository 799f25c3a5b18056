package io.steelthread.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how the local broker runs.
 *
 * @param home             state directory: config, data, logs
 * @param host             the address it listens on and advertises
 * @param port             client (PLAINTEXT) port
 * @param controllerPort   KRaft controller port
 * @param libs             directory holding the broker's jars (built by local-stack/kafka-runtime)
 * @param heap             JVM -Xmx value
 * @param defaultPartitions partitions of auto-created topics
 * @param startTimeout     how long to wait for the broker to answer
 * @param extraProperties  server.properties entries that override the defaults
 */
public record KafkaServerSettings(Path home, String host, int port, int controllerPort, Path libs, String heap,
        int defaultPartitions, Duration startTimeout, Map<String, String> extraProperties) {

    /** The system property naming the broker's jar directory; the build sets it for every test. */
    public static final String LIBS_PROPERTY = "steelthread.kafka.libs";

    public KafkaServerSettings {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(libs, "libs");
        extraProperties = Map.copyOf(extraProperties);
    }

    public Path dataDir() {
        return home.resolve("data");
    }

    /** A broker on two free loopback ports, the jars from {@value #LIBS_PROPERTY}: what tests use. */
    public static KafkaServerSettings forTests(Path home) {
        return new KafkaServerSettings(home, "127.0.0.1", Ports.free(), Ports.free(), libsFromSystemProperty(), "512m", 1,
                Duration.ofSeconds(90), Map.of());
    }



    public static Path libsFromSystemProperty() {
        String libs = System.getProperty(LIBS_PROPERTY);
        if (libs == null || libs.isBlank()) {
            throw new IllegalStateException("system property " + LIBS_PROPERTY
                    + " is not set: it names the Kafka broker jars (./mvnw package builds them in local-stack/kafka-runtime/target/lib)");
        }
        return Path.of(libs);
    }
}
