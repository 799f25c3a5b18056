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
 * A single-node Presto 0.287 (coordinator and worker) with the Hive catalog on the shared metastore, assembled from
 * Maven artifacts and started without Presto's Python launcher. Ready when {@code SHOW SCHEMAS FROM hive}
 * answers over presto-jdbc, which must be on the caller's classpath.
 */
public final class PrestoServer extends ProcessServer {

    public static final String NAME = "presto";

    /** Presto 0.287 on Java 17 reflects into these JDK packages. */
    private static final List<String> OPENS = List.of("java.base/java.lang", "java.base/java.io",
            "java.base/java.lang.ref", "java.base/java.lang.reflect", "java.base/java.net", "java.base/java.nio",
            "java.base/java.security", "java.base/javax.security.auth", "java.base/javax.security.auth.login",
            "java.base/java.text", "java.base/java.util", "java.base/java.util.concurrent",
            "java.base/java.util.concurrent.atomic", "java.base/java.util.regex", "java.base/jdk.internal.loader",
            "java.base/jdk.internal.misc", "java.base/sun.nio.ch", "java.base/sun.security.action",
            "java.security.jgss/sun.security.krb5", "java.management/sun.management");

    /**
     * @param libs    the server's jars (local-stack/presto-runtime/target/lib)
     * @param plugins the plugin directory holding hive-hadoop2/ (local-stack/presto-hive-plugin/target/plugin)
     */
    public record Settings(Path home, int port, Path libs, Path plugins, String metastoreUri, String heap,
            Duration startTimeout) {
    }

    private final Settings settings;

    public PrestoServer(Settings settings) {
        super(NAME, settings.home().resolve("logs"));
        this.settings = settings;
    }


    @Override
    public String address() {
        return "http://127.0.0.1:" + settings.port();
    }

    public String jdbcUrl() {
        return "jdbc:presto://127.0.0.1:" + settings.port() + "/hive/default";
    }


    @Override
    public PrestoServer start() {
        Ports.requireFree(NAME, settings.port());
        Path etc = settings.home().resolve("etc");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("coordinator", "true");
        config.put("node-scheduler.include-coordinator", "true");
        config.put("http-server.http.port", String.valueOf(settings.port()));
        config.put("discovery-server.enabled", "true");
        config.put("discovery.uri", address());
        // The admin HTTP port (a second, random one) is not needed.
        config.put("http-server.admin.enabled", "false");
        // Sized for a laptop-class heap: per-node query memory plus headroom stay below -Xmx.
        config.put("query.max-memory", "512MB");
        config.put("query.max-memory-per-node", "384MB");
        config.put("query.max-total-memory-per-node", "512MB");
        config.put("memory.heap-headroom-per-node", "384MB");
        ConfigFiles.properties(etc.resolve("config.properties"), config);
        Map<String, String> hive = new LinkedHashMap<>();
        hive.put("connector.name", "hive-hadoop2");
        hive.put("hive.metastore.uri", settings.metastoreUri());
        // Tables are external: Spark writes the files, Presto reads them.
        hive.put("hive.non-managed-table-writes-enabled", "true");
        hive.put("hive.allow-drop-table", "true");
        // Match Parquet columns by name (Spark writes them in its own order, e.g. User-Agent), not by position.
        hive.put("hive.parquet.use-column-names", "true");
        ConfigFiles.properties(etc.resolve("catalog").resolve("hive.properties"), hive);
        ConfigFiles.properties(etc.resolve("log.properties"), Map.of("com.facebook.presto", "INFO"));

        List<String> jvm = new ArrayList<>(List.of("-Xmx" + settings.heap(), "-XX:+UseG1GC",
                "-XX:+ExitOnOutOfMemoryError", "-Djdk.attach.allowAttachSelf=true"));
        OPENS.forEach(p -> jvm.add("--add-opens=" + p + "=ALL-UNNAMED"));
        // Every port of the server on loopback: its HTTP port and the internal ones. The Drift thrift server and the
        // JDK's local JMX connector have no bind setting: our agent binds them. The connector takes RMI's socket
        // factory (the agent's) only with local.only off, read from a management config file: Presto's JMX agent
        // starts it by attaching to itself, which sees no system property.
        Path management = etc.resolve("management.properties");
        ConfigFiles.properties(management, Map.of("com.sun.management.jmxremote.local.only", "false"));
        jvm.addAll(List.of("-javaagent:" + loopbackAgent() + "=127.0.0.1",
                "-Dcom.sun.management.config.file=" + management, "-Dnode.environment=steelthread",
                "-Dnode.id=steelthread-1", "-Dnode.bind-ip=127.0.0.1",
                "-Dnode.internal-address=127.0.0.1", "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                "-Djava.rmi.server.hostname=127.0.0.1",
                "-Dnode.data-dir=" + settings.home().resolve("data"), "-Dconfig=" + etc.resolve("config.properties"),
                "-Dlog.levels-file=" + etc.resolve("log.properties"), "-Dplugin.dir=" + settings.plugins(),
                "-Dcatalog.config-dir=" + etc.resolve("catalog")));
        process = ChildProcess.start(NAME, classpath(), jvm,
                "com.facebook.presto.server.PrestoServer", List.of(), Map.of(), settings.home(), logFile());
        Readiness.await(process, "SHOW SCHEMAS FROM hive over presto-jdbc", settings.startTimeout(), () -> {
            if (!Ports.isOpen(settings.port())) {
                return false;
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl(), "steelthread", null);
                    Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SCHEMAS FROM hive")) {
                return rs.next();
            }
        });
        return this;
    }

    /** local-stack/presto-loopback-agent, which presto-runtime copies among the server's jars. */
    private Path loopbackAgent() {
        try (var jars = java.nio.file.Files.list(settings.libs())) {
            return jars.filter(p -> p.getFileName().toString().startsWith("presto-loopback-agent-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("presto-loopback-agent is missing from "
                            + settings.libs() + ": build local-stack/presto-runtime (./mvnw install)"));
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * asm 9 first: jersey-server 2.26 carries its own copy of asm 5 classes, which cannot read Java 17 class files,
     * and a {@code lib/*} wildcard leaves the order to the file system.
     */
    private String classpath() {
        try (var jars = java.nio.file.Files.list(settings.libs())) {
            List<String> asm = jars.map(Path::toString).filter(n -> n.matches(".*/asm(-[a-z]+)?-[0-9.]+\\.jar")).sorted()
                    .toList();
            List<String> entries = new ArrayList<>(asm);
            entries.add(settings.libs().resolve("*").toString());
            return String.join(java.io.File.pathSeparator, entries);
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }


}
