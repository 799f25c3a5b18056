package io.steelthread.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The standalone Hive metastore 3.1 (thrift), on Derby in its home by default or on PostgreSQL when a JDBC URL is
 * given. The schema is initialised once, with Derby's {@code TABLE_PARAMS.PARAM_VALUE} made a VARCHAR: as a CLOB,
 * Presto's {@code SHOW TABLES} times out on Derby's "Comparisons between 'CLOB (UCS_BASIC)'" error.
 */
public final class HiveMetastoreServer extends ProcessServer {

    public static final String NAME = "metastore";
    private static final String SCHEMA_SCRIPT = "hive-schema-3.1.0.derby.sql";

    /**
     * @param home          state: conf, Derby database, logs
     * @param libs          the metastore's jars (local-stack/hive-metastore-runtime/target/lib)
     * @param distribution  the unpacked bin tarball holding scripts/metastore/upgrade
     * @param warehouse     default table location, e.g. file:///…/warehouse
     * @param jdbcUrl       PostgreSQL URL, or blank for Derby in the home
     */
    public record Settings(Path home, int port, Path libs, Path distribution, String warehouse, String heap,
            String jdbcUrl, String jdbcUser, String jdbcPassword, Duration startTimeout) {

        boolean derby() {
            return jdbcUrl == null || jdbcUrl.isBlank();
        }
    }

    private final Settings settings;

    public HiveMetastoreServer(Settings settings) {
        super(NAME, settings.home().resolve("logs"));
        this.settings = settings;
    }


    @Override
    public String address() {
        return "thrift://127.0.0.1:" + settings.port();
    }


    @Override
    public HiveMetastoreServer start() {
        Ports.requireFree(NAME, settings.port());
        Path conf = writeConfig();
        String classpath = conf + java.io.File.pathSeparator + settings.libs().resolve("*");
        List<String> jvm = List.of("-Xmx" + settings.heap(), "-Dlog4j2.configurationFile=" + writeLogConfig().toUri());
        Path initialised = settings.home().resolve("schema.initialised");
        if (!Files.exists(initialised)) {
            Path metastoreHome = prepareScripts();
            int exit = ChildProcess.run(NAME + "-schema", classpath, jvm,
                    "org.apache.hadoop.hive.metastore.tools.MetastoreSchemaTool",
                    List.of("-initSchema", "-dbType", settings.derby() ? "derby" : "postgres"),
                    Map.of("METASTORE_HOME", metastoreHome.toString()), settings.home(), logFile(), Duration.ofMinutes(2));
            if (exit != 0) {
                throw new ServerStartException(NAME, "schema initialisation failed (exit " + exit + ")", LogTail.of(logFile(), 30));
            }
            ConfigFiles.write(initialised, "initialised by MetastoreSchemaTool\n");
        }
        // Hive 3.1.3's own main (org.apache.hadoop.hive.metastore.HiveMetaStore) listens on every interface.
        process = ChildProcess.start(NAME, classpath, jvm, "io.steelthread.localstack.metastore.LoopbackMetastore",
                List.of(), Map.of(), settings.home(), logFile());
        // The thrift port opens only once the metastore has read its database; clients then get real answers
        // (HiveServer2's SHOW DATABASES and Presto's SHOW SCHEMAS check that further up the stack).
        Readiness.await(process, "thrift port " + settings.port(), settings.startTimeout(),
                () -> Ports.isOpen(settings.port()));
        return this;
    }

    private Path writeConfig() {
        Map<String, String> conf = new LinkedHashMap<>();
        if (settings.derby()) {
            conf.put("javax.jdo.option.ConnectionURL",
                    "jdbc:derby:;databaseName=" + settings.home().resolve("metastore_db") + ";create=true");
            conf.put("javax.jdo.option.ConnectionDriverName", "org.apache.derby.jdbc.EmbeddedDriver");
        }
        else {
            conf.put("javax.jdo.option.ConnectionURL", settings.jdbcUrl());
            conf.put("javax.jdo.option.ConnectionDriverName", "org.postgresql.Driver");
            conf.put("javax.jdo.option.ConnectionUserName", settings.jdbcUser());
            conf.put("javax.jdo.option.ConnectionPassword", settings.jdbcPassword());
        }
        conf.put("metastore.thrift.port", String.valueOf(settings.port()));
        // Read by LoopbackMetastore (Hive 4 reads the same name): nothing on the metastore authenticates.
        conf.put("metastore.thrift.bind.host", "127.0.0.1");
        conf.put("metastore.thrift.uris", address());
        conf.put("metastore.warehouse.dir", settings.warehouse());
        // Partition pruning without Hive's query classes on the classpath.
        conf.put("metastore.expression.proxy", "org.apache.hadoop.hive.metastore.DefaultPartitionExpressionProxy");
        // A failing call must fail, not hang the client in retries.
        conf.put("metastore.hmshandler.retry.attempts", "1");
        conf.put("metastore.schema.verification", "true");
        // The default list names DumpDirCleanerTask, which ships with hive-exec, not the standalone metastore.
        conf.put("metastore.task.threads.always", "org.apache.hadoop.hive.metastore.events.EventCleanerTask,"
                + "org.apache.hadoop.hive.metastore.RuntimeStatsCleanerTask,"
                + "org.apache.hadoop.hive.metastore.MaterializationsRebuildLockCleanerTask");
        // Async logging needs the LMAX disruptor, which the metastore's jars do not bring.
        conf.put("metastore.async.log.enabled", "false");
        conf.put("datanucleus.autoCreateSchema", "false");
        Path dir = settings.home().resolve("conf");
        ConfigFiles.hadoopXml(dir.resolve("metastore-site.xml"), conf);
        return dir;
    }

    private Path writeLogConfig() {
        return ConfigFiles.write(settings.home().resolve("conf").resolve("metastore-log4j2.properties"), String.join("\n",
                "appender.out.type = Console",
                "appender.out.name = OUT",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %d %p [%t] %c{2}: %m%n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.out.ref = OUT",
                "logger.dn.name = DataNucleus",
                "logger.dn.level = WARN",
                ""));
    }

    /** A copy of the distribution's scripts, with the Derby schema fixed as described above. */
    private Path prepareScripts() {
        Path target = settings.home().resolve("metastore-home");
        Path upgrade = Path.of("scripts", "metastore", "upgrade");
        try (Stream<Path> files = Files.walk(settings.distribution().resolve(upgrade))) {
            for (Path source : files.filter(Files::isRegularFile).toList()) {
                Path copy = target.resolve(upgrade).resolve(settings.distribution().resolve(upgrade).relativize(source));
                Files.createDirectories(copy.getParent());
                String sql = Files.readString(source);
                if (source.getFileName().toString().equals(SCHEMA_SCRIPT)) {
                    String fixed = sql.replaceFirst(
                            "(CREATE TABLE \"APP\".\"TABLE_PARAMS\" \\([^;]*\"PARAM_VALUE\" )CLOB", "$1VARCHAR(32672)");
                    if (fixed.equals(sql)) {
                        throw new IllegalStateException("the Derby schema fix no longer applies to " + source);
                    }
                    sql = fixed;
                }
                Files.writeString(copy, sql);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the metastore schema scripts from " + settings.distribution(), e);
        }
        return target;
    }


}
