package io.steelthread.localstack;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A HiveServer2-protocol endpoint for {@code hive-jdbc}: Spark's Thrift server, in local mode, on the shared
 * metastore. Ready when {@code SHOW DATABASES} answers, which is a metastore call.
 * The hive-jdbc driver must be on the caller's classpath.
 */
public final class HiveServer2 extends ProcessServer {

    public static final String NAME = "hiveserver2";

    /**
     * @param sparkHome    the assembled Spark home (its jars/ hold the Thrift server)
     * @param metastoreUri thrift://host:port of the metastore
     * @param warehouse    Spark's SQL warehouse, e.g. file:///…/warehouse
     */
    public record Settings(Path home, int port, Path sparkHome, String metastoreUri, String warehouse, String heap,
            Duration startTimeout) {
    }

    private final Settings settings;

    public HiveServer2(Settings settings) {
        super(NAME, settings.home().resolve("logs"));
        this.settings = settings;
    }


    @Override
    public String address() {
        return jdbcUrl();
    }

    public String jdbcUrl() {
        return "jdbc:hive2://127.0.0.1:" + settings.port() + "/default";
    }


    @Override
    public HiveServer2 start() {
        Ports.requireFree(NAME, settings.port());
        Path home = settings.home();
        Map<String, String> site = new LinkedHashMap<>();
        site.put("hive.metastore.uris", settings.metastoreUri());
        site.put("hive.server2.thrift.port", String.valueOf(settings.port()));
        site.put("hive.server2.thrift.bind.host", "127.0.0.1");
        site.put("hive.server2.enable.doAs", "false");
        site.put("hive.exec.scratchdir", home.resolve("scratch").toString());
        site.put("hive.exec.local.scratchdir", home.resolve("scratch-local").toString());
        site.put("hive.downloaded.resources.dir", home.resolve("resources").toString());
        site.put("hive.server2.logging.operation.log.location", home.resolve("operation-logs").toString());
        Path conf = home.resolve("conf");
        ConfigFiles.hadoopXml(conf.resolve("hive-site.xml"), site);

        List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx" + settings.heap());
        jvm.addAll(SparkJvmOptions.JAVA_17);
        jvm.addAll(List.of(
                "-Dspark.master=local[1]",
                "-Dspark.app.name=steelthread-hiveserver2",
                "-Dspark.ui.enabled=false",
                "-Dspark.driver.host=localhost",
                "-Dspark.driver.bindAddress=127.0.0.1",
                "-Dspark.driver.port=" + Ports.free(),
                "-Dspark.blockManager.port=" + Ports.free(),
                "-Dspark.local.dir=" + home.resolve("spark-local"),
                "-Dspark.sql.warehouse.dir=" + settings.warehouse(),
                "-Dspark.sql.catalogImplementation=hive",
                "-Dderby.system.home=" + home));
        String classpath = conf + java.io.File.pathSeparator + settings.sparkHome().resolve("jars").resolve("*");
        process = ChildProcess.start(NAME, classpath, jvm, "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
                List.of(), Map.of("SPARK_HOME", settings.sparkHome().toString()), home, logFile());
        Readiness.await(process, "SHOW DATABASES over hive-jdbc on port " + settings.port(), settings.startTimeout(),
                () -> {
                    if (!Ports.isOpen(settings.port())) {
                        return false;
                    }
                    try (Connection c = DriverManager.getConnection(jdbcUrl(), "steelthread", "");
                            Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW DATABASES")) {
                        return rs.next();
                    }
                });
        return this;
    }


}
