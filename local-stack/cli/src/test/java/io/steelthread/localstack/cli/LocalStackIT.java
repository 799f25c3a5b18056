package io.steelthread.localstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.steelthread.localstack.Ports;
import org.apache.hadoop.hive.metastore.api.ThriftHiveMetastore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole stack through the CLI: up, each server checked with its real client, down; and a server that crashes
 * during up. Every server on a free port, all state in a temporary home.
 */
class LocalStackIT {

    static final List<String> PORTS = List.of("kafka.port", "kafka.controller-port", "metastore.port",
            "hiveserver2.port", "presto.port", "skipper.port", "dataflow.port", "prometheus.port", "source.port",
            "source.management-port", "processor.port", "pushgateway.port", "freshness.port");

    @TempDir
    Path home;

    @Test
    void upChecksEveryServerWithItsClientAndDownLeavesNothing() throws Exception {
        Map<String, Integer> ports = freePorts();
        assertThat(cli("up")).isZero();
        List<Long> pids = new ArrayList<>();
        for (String server : LocalStack.SERVERS) {
            stack().running(server).ifPresent(e -> pids.add(e.pid()));
        }
        try {
            // Prometheus and the Pushgateway are optional (Debian packages).
            assertThat(pids).hasSizeGreaterThanOrEqualTo(LocalStack.SERVERS.size() - 2);
            assertThat(cli("up")).isZero();
            assertThat(lastOutput).contains("already running");

            kafkaRoundTrip("127.0.0.1:" + ports.get("kafka.port"));
            // Each server by its own client, so that a failure names the server (HiveServer2 and Presto below reach
            // the metastore too, and would hide which of them broke).
            List<String> databases = metastore(ports, m -> m.get_all_databases());
            assertThat(databases).contains("default");
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
            for (String port : List.of("processor.port", "source.management-port", "freshness.port", "skipper.port")) {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + ports.get(port) + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as("health on %s: %s", port, health.body()).isEqualTo(200);
                assertThat(health.body()).as("health on %s", port).contains("\"status\":\"UP\"");
            }
            HttpResponse<String> skipper = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + ports.get("skipper.port") + "/api/about")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(skipper.statusCode()).isEqualTo(200);
            assertThat(skipper.body()).contains("Spring Cloud Skipper Server");

            // A table declared through HiveServer2 (hive-jdbc), filled there, and read through Presto (presto-jdbc).
            Path location = Files.createDirectories(home.resolve("warehouse-it/purchases"));
            try (Connection hive = DriverManager.getConnection(
                    "jdbc:hive2://127.0.0.1:" + ports.get("hiveserver2.port") + "/default", "it", "");
                    Statement s = hive.createStatement()) {
                s.execute("CREATE EXTERNAL TABLE IF NOT EXISTS it_purchases (host STRING, event_type STRING) "
                        + "STORED AS PARQUET LOCATION '" + location.toUri() + "'");
                s.execute("INSERT INTO it_purchases VALUES ('user1.comcast.com', 'purchase_sword')");
            }
            String registered = metastore(ports, m -> m.get_table("default", "it_purchases").getSd().getLocation());
            assertThat(registered).contains("warehouse-it/purchases");
            try (Connection presto = DriverManager.getConnection(
                    "jdbc:presto://127.0.0.1:" + ports.get("presto.port") + "/hive/default", "it", null);
                    Statement s = presto.createStatement();
                    ResultSet rs = s.executeQuery("SELECT host, event_type FROM it_purchases")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("host")).isEqualTo("user1.comcast.com");
                assertThat(rs.getString("event_type")).isEqualTo("purchase_sword");
            }

            String dataflow = "http://127.0.0.1:" + ports.get("dataflow.port");
            HttpResponse<String> about = http.send(HttpRequest.newBuilder(URI.create(dataflow + "/about")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(about.statusCode()).isEqualTo(200);
            assertThat(about.body()).contains("spring-cloud-dataflow-server");
            HttpResponse<String> dashboard = http.send(HttpRequest.newBuilder(URI.create(dataflow + "/dashboard")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(dashboard.statusCode()).isEqualTo(200);
            assertThat(dashboard.body()).containsIgnoringCase("<html");

            assertThat(cli("status")).isZero();
            assertThat(lastOutput).contains("running").contains("total RSS");
        }
        finally {
            assertThat(cli("down")).isZero();
        }
        assertNothingLeft(pids, ports);
    }

    @Test
    void aServerCrashingDuringUpFailsTheCommandAndLeavesNothing() throws Exception {
        Map<String, Integer> ports = freePorts();
        // A heap the JVM refuses: Presto exits at once, after Kafka and the metastore came up.
        Files.writeString(home.resolve("stack.properties"), "presto.heap=1k\n", java.nio.file.StandardOpenOption.APPEND);
        int exit = cli("up", "--only", "kafka,metastore,presto");
        assertThat(exit).isEqualTo(2);
        assertThat(lastError).contains("presto").contains("exited during start");
        // The reason is on the console, from the server's own log: the JVM's refusal of the heap.
        assertThat(lastError).contains("--- last lines of its log ---").contains("Too small maximum heap");
        assertThat(lastOutput).contains("stopping what was started: [kafka, metastore]");
        assertThat(stack().running("kafka")).isEmpty();
        assertThat(stack().running("metastore")).isEmpty();
        assertThat(cli("down")).isZero();
        assertNothingLeft(List.of(), ports);
    }

    String lastOutput = "";
    String lastError = "";

    private int cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            System.setProperty("steelthread.home", home.toString());
            return LocalStackCommand.run(args);
        }
        finally {
            System.setOut(out);
            System.setErr(err);
            lastOutput = o.toString(StandardCharsets.UTF_8);
            lastError = e.toString(StandardCharsets.UTF_8);
            out.print(lastOutput);
            err.print(lastError);
        }
    }

    private LocalStack stack() {
        System.setProperty("steelthread.home", home.toString());
        return new LocalStack(StackSettings.load(), new PrintStream(new ByteArrayOutputStream()));
    }

    private Map<String, Integer> freePorts() throws Exception {
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        StringBuilder props = new StringBuilder();
        for (String key : PORTS) {
            int port = Ports.free();
            ports.put(key, port);
            props.append(key).append('=').append(port).append('\n');
        }
        Files.writeString(home.resolve("stack.properties"), props.toString());
        return ports;
    }

    private static void assertNothingLeft(List<Long> pids, Map<String, Integer> ports) throws InterruptedException {
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
        }
        Thread.sleep(500);
        ports.forEach((key, port) -> assertThat(Ports.isOpen(port)).as("%s %d still open", key, port).isFalse());
    }

    interface MetastoreCall<T> {
        T call(ThriftHiveMetastore.Client metastore) throws Exception;
    }

    /** One call on the metastore's thrift API (plain binary protocol, as the stack's metastore serves it). */
    private static <T> T metastore(Map<String, Integer> ports, MetastoreCall<T> call) throws Exception {
        TSocket socket = new TSocket("127.0.0.1", ports.get("metastore.port"), 30_000);
        socket.open();
        try {
            return call.call(new ThriftHiveMetastore.Client(new TBinaryProtocol(socket)));
        }
        finally {
            socket.close();
        }
    }

    private static void kafkaRoundTrip(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("it.roundtrip", "k", "hello")).get();
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "it");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("it.roundtrip"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
            }
        }
        assertThat(values).containsExactly("hello");
    }
}
