package io.steelthread.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one process), in its own JVM.
 * Storage is formatted on the first start only, so a stop and start keeps every acknowledged record.
 */
public final class KafkaServer implements Server, AutoCloseable {

    public static final String NAME = "kafka";

    private static KafkaServer shared;

    private final KafkaServerSettings settings;
    private ChildProcess jvm;

    /**
     * One broker for every test of a JVM, on free ports in a temporary directory, stopped and deleted when the
     * JVM exits. Tests isolate themselves by topic names.
     */
    public static synchronized KafkaServer sharedForTests() {
        if (shared == null) {
            try {
                Path home = Files.createTempDirectory("steelthread-kafka-");
                KafkaServer server = new KafkaServer(KafkaServerSettings.forTests(home));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    server.stop();
                    deleteRecursively(home);
                }, "steelthread-kafka-cleanup"));
                shared = server.start();
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (IOException e) {
            // Best effort: a temp directory left behind is not worth failing a run for.
        }
    }

    public KafkaServer(KafkaServerSettings settings) {
        this.settings = settings;
    }

    public KafkaServerSettings settings() {
        return settings;
    }

    public String bootstrapServers() {
        return settings.host() + ":" + settings.port();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String address() {
        return bootstrapServers();
    }

    @Override
    public synchronized KafkaServer start() {
        if (jvm != null && jvm.isAlive()) {
            return this;
        }
        Ports.requireFree(NAME, settings.port());
        Ports.requireFree(NAME + " controller", settings.controllerPort());
        Path config = writeConfig();
        String classpath = settings.libs().resolve("*").toString();
        List<String> jvmOptions = List.of("-Xmx" + settings.heap(), "-Xms64m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + writeLogConfig().toUri());
        if (!Files.exists(settings.dataDir().resolve("meta.properties"))) {
            int exit = ChildProcess.run(NAME + "-format", classpath, jvmOptions, "kafka.tools.StorageTool",
                    // One token: a random id may begin with '-' (base64url), which the tool's parser would take for
                    // an option ("argument --cluster-id/-t: expected one argument", seen once in 64 starts).
                    List.of("format", "--cluster-id=" + Uuid.randomUuid(), "-c", config.toString()), Map.of(),
                    settings.home(), logFile(), Duration.ofSeconds(60));
            if (exit != 0) {
                throw new ServerStartException(NAME, "storage format failed with exit code " + exit, LogTail.of(logFile(), 30));
            }
        }
        jvm = ChildProcess.start(NAME, classpath, jvmOptions, "kafka.Kafka", List.of(config.toString()), Map.of(),
                settings.home(), logFile());
        awaitReady(settings.startTimeout());
        return this;
    }

    public synchronized boolean isRunning() {
        return jvm != null && jvm.isAlive();
    }

    public synchronized long pid() {
        return jvm == null ? -1 : jvm.pid();
    }

    /** Lets the broker outlive this JVM; returns its pid. */
    @Override
    public synchronized long detach() {
        long pid = pid();
        if (jvm != null) {
            jvm.detach();
        }
        return pid;
    }

    @Override
    public Path logFile() {
        return settings.home().resolve("logs").resolve("kafka.log");
    }

    /** Graceful stop (controlled shutdown flushes the log), forced after 30 s. */
    @Override
    public synchronized void stop() {
        if (jvm != null) {
            jvm.stop(Duration.ofSeconds(30));
            jvm = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Creates the topics that do not exist yet; existing ones are left as they are. */
    public void createTopics(Collection<String> names, int partitions) {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = names.stream().filter(n -> !existing.contains(n))
                    .map(n -> new NewTopic(n, partitions, (short) 1)).collect(Collectors.toList());
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        }
        catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics " + names + ": " + e.getCause().getMessage(), e);
            }
        }
        catch (Exception e) {
            throw new IllegalStateException("cannot create topics " + names + ": " + e.getMessage(), e);
        }
    }

    /**
     * Produces a record (acks=all) and reads it back: the stack's proof that the broker really serves clients.
     *
     * @throws IllegalStateException when the record does not come back within {@code timeout}
     */
    public void roundTrip(String topic, Duration timeout) {
        String marker = "steelthread-health-" + System.nanoTime();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer());
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                        new StringDeserializer())) {
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, marker)).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            TopicPartition partition = new TopicPartition(topic, sent.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, sent.offset());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (marker.equals(record.value())) {
                        return;
                    }
                }
            }
            throw new IllegalStateException("the record produced to " + topic + " did not come back");
        }
        catch (Exception e) {
            throw new ServerStartException(NAME, "failed the produce/consume round trip: " + e.getMessage(), null);
        }
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(props);
    }

    /** Ready when the controller has elected itself and the broker lists itself as a cluster node. */
    private void awaitReady(Duration timeout) {
        Readiness.await(jvm, "describeCluster on port " + settings.port(), timeout, () -> {
            try (Admin admin = admin()) {
                return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
            }
        });
    }

    private Path writeConfig() {
        Map<String, String> props = new LinkedHashMap<>();
        String host = settings.host();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + host + ":" + settings.controllerPort());
        props.put("listeners", "PLAINTEXT://" + host + ":" + settings.port() + ",CONTROLLER://" + host + ":"
                + settings.controllerPort());
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + settings.port());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", settings.dataDir().toString());
        props.put("num.partitions", String.valueOf(settings.defaultPartitions()));
        // One node: every replication factor and min ISR is 1.
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions: the first consumer group or transaction waits for all of them to be created.
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        props.putAll(settings.extraProperties());
        return ConfigFiles.properties(settings.home().resolve("config").resolve("server.properties"), props);
    }

    private Path writeLogConfig() {
        return ConfigFiles.write(settings.home().resolve("config").resolve("log4j2.properties"), String.join("\n",
                "status = warn",
                "appender.out.type = Console",
                "appender.out.name = OUT",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.out.ref = OUT",
                "logger.raft.name = org.apache.kafka.raft",
                "logger.raft.level = WARN",
                ""));
    }

}
