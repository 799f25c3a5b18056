package io.steelthread.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.steelthread.localstack.HiveMetastoreServer;
import io.steelthread.localstack.HiveServer2;
import io.steelthread.localstack.KafkaServer;
import io.steelthread.localstack.Ports;
import io.steelthread.localstack.PrestoServer;

/**
 * The real servers the pipeline needs, for one test JVM: the shared Kafka broker, a Hive metastore, HiveServer2
 * and Presto on free ports, from what the local-stack modules assembled.
 */
final class HiveStack {

    private static HiveStack instance;

    final Path project = Path.of(System.getProperty("steelthread.project", "../..")).toAbsolutePath().normalize();
    final Path home;
    final KafkaServer kafka = KafkaServer.sharedForTests();
    final HiveMetastoreServer metastore;
    final HiveServer2 hiveServer2;
    final PrestoServer presto;
    final String warehouse;

    private HiveStack() throws Exception {
        home = Files.createTempDirectory("pipeline-it-");
        warehouse = home.resolve("warehouse").toUri().toString();
        Duration timeout = Duration.ofSeconds(120);
        Path runtimes = project.resolve("local-stack");
        Path distribution;
        try (var dirs = Files.list(runtimes.resolve("hive-metastore-runtime/target/metastore-home"))) {
            distribution = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        metastore = new HiveMetastoreServer(new HiveMetastoreServer.Settings(home.resolve("metastore"), Ports.free(),
                runtimes.resolve("hive-metastore-runtime/target/lib"), distribution, warehouse, "384m", "", "", "",
                timeout));
        metastore.start();
        hiveServer2 = new HiveServer2(new HiveServer2.Settings(home.resolve("hiveserver2"), Ports.free(), sparkHome(),
                metastore.address(), warehouse, "512m", timeout));
        hiveServer2.start();
        presto = new PrestoServer(new PrestoServer.Settings(home.resolve("presto"), Ports.free(),
                runtimes.resolve("presto-runtime/target/lib"), runtimes.resolve("presto-hive-plugin/target/plugin"),
                metastore.address(), "1536m", timeout));
        presto.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            presto.stop();
            hiveServer2.stop();
            metastore.stop();
        }));
    }

    static synchronized HiveStack get() throws Exception {
        if (instance == null) {
            instance = new HiveStack();
        }
        return instance;
    }

    Path sparkHome() {
        return project.resolve("local-stack/spark-runtime/target/spark-home");
    }

    /** The pipeline task as Data Flow runs it, the jar {@code package} built. */
    Path pipelineTaskJar() throws Exception {
        return moduleJar("spark-tasks/pipeline-task");
    }

    Path sparkJobsJar() throws Exception {
        return moduleJar("spark-tasks/spark-jobs");
    }

    /** The jar a module's {@code package} built (not the shade plugin's {@code original-} copy). */
    private Path moduleJar(String module) throws Exception {
        String name = Path.of(module).getFileName().toString();
        try (var jars = Files.list(project.resolve(module).resolve("target"))) {
            return jars.filter(p -> p.getFileName().toString().matches(name + "-.*\\.jar")).findFirst().orElseThrow();
        }
    }
}
