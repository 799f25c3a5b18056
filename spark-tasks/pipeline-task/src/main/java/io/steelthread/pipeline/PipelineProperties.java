package io.steelthread.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the pipeline task: where Spark runs, where the tables live, how Hive and Presto are reached. */
@ConfigurationProperties("steelthread.pipeline")
public class PipelineProperties {

    /** Root of the table directories (file://, hdfs://, s3a://); a table lives at {@code <warehouse>/<table>}. */
    private String warehouse;

    private final Spark spark = new Spark();
    private final Extract extract = new Extract();
    private final Stream stream = new Stream();
    private final Compact compact = new Compact();
    private final Hive hive = new Hive();
    private final Presto presto = new Presto();

    public String getWarehouse() {
        return warehouse;
    }

    public void setWarehouse(String warehouse) {
        this.warehouse = warehouse;
    }

    public Spark getSpark() {
        return spark;
    }

    public Extract getExtract() {
        return extract;
    }

    public Hive getHive() {
        return hive;
    }

    public Stream getStream() {
        return stream;
    }

    public Compact getCompact() {
        return compact;
    }

    public Presto getPresto() {
        return presto;
    }

    public String tableLocation(String table) {
        return warehouse.replaceAll("/+$", "") + "/" + table;
    }

    /** How Spark applications are submitted (SparkLauncher). */
    public static class Spark {

        /** The Spark home whose bin/spark-submit is used. */
        private String home;

        /** local[N], yarn, k8s://…, spark://… */
        private String master = "local[2]";

        private String deployMode = "client";

        /** The Spark jobs jar (spark-tasks/spark-jobs). */
        private String appResource;

        private String driverMemory = "1g";

        private String executorMemory = "1g";

        /** Any further spark.* settings. */
        private Map<String, String> conf = new LinkedHashMap<>();

        /** A Spark application that has not ended by then is killed and the step fails. */
        private Duration timeout = Duration.ofHours(2);

        public String getHome() {
            return home;
        }

        public void setHome(String home) {
            this.home = home;
        }

        public String getMaster() {
            return master;
        }

        public void setMaster(String master) {
            this.master = master;
        }

        public String getDeployMode() {
            return deployMode;
        }

        public void setDeployMode(String deployMode) {
            this.deployMode = deployMode;
        }

        public String getAppResource() {
            return appResource;
        }

        public void setAppResource(String appResource) {
            this.appResource = appResource;
        }

        public String getDriverMemory() {
            return driverMemory;
        }

        public void setDriverMemory(String driverMemory) {
            this.driverMemory = driverMemory;
        }

        public String getExecutorMemory() {
            return executorMemory;
        }

        public void setExecutorMemory(String executorMemory) {
            this.executorMemory = executorMemory;
        }

        public Map<String, String> getConf() {
            return conf;
        }

        public void setConf(Map<String, String> conf) {
            this.conf = conf;
        }

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /** What the extract job reads and writes. */
    public static class Extract {

        private String bootstrapServers = "localhost:9092";

        private String topic = "events";

        private List<String> eventTypes = new ArrayList<>(List.of("purchase_sword"));

        private String table = "purchases";

        /** Set for incremental runs: the checkpoint of the offsets read so far; unset reads the whole topic. */
        private String checkpoint;

        /** Fail (rather than warn in the log) when offsets to read were already deleted by the topic's retention. */
        private boolean failOnDataLoss;

        public boolean isFailOnDataLoss() {
            return failOnDataLoss;
        }

        public void setFailOnDataLoss(boolean failOnDataLoss) {
            this.failOnDataLoss = failOnDataLoss;
        }

        public String getBootstrapServers() {
            return bootstrapServers;
        }

        public void setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public String getTopic() {
            return topic;
        }

        public void setTopic(String topic) {
            this.topic = topic;
        }

        public List<String> getEventTypes() {
            return eventTypes;
        }

        public void setEventTypes(List<String> eventTypes) {
            this.eventTypes = eventTypes;
        }

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public String getCheckpoint() {
            return checkpoint;
        }

        public void setCheckpoint(String checkpoint) {
            this.checkpoint = checkpoint;
        }
    }

    /** The streaming job (the seed's write_swords_stream): it reads what {@link Extract} names, but its own table. */
    public static class Stream {

        private String table = "sword_purchases";

        /** Checkpoint of the query (offsets, commits); required. */
        private String checkpoint;

        private String trigger = "10 seconds";

        /** Kafka records per micro-batch at most: a backlog is worked off in bounded batches. */
        private long maxOffsetsPerTrigger = 200_000;

        /** parquet, or console (the seed's filter_swords_stream). */
        private String sink = "parquet";

        public long getMaxOffsetsPerTrigger() {
            return maxOffsetsPerTrigger;
        }

        public void setMaxOffsetsPerTrigger(long maxOffsetsPerTrigger) {
            this.maxOffsetsPerTrigger = maxOffsetsPerTrigger;
        }

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public String getCheckpoint() {
            return checkpoint;
        }

        public void setCheckpoint(String checkpoint) {
            this.checkpoint = checkpoint;
        }

        public String getTrigger() {
            return trigger;
        }

        public void setTrigger(String trigger) {
            this.trigger = trigger;
        }

        public String getSink() {
            return sink;
        }

        public void setSink(String sink) {
            this.sink = sink;
        }
    }

    /** Which partition the compaction job rewrites. */
    public static class Compact {

        private String table = "purchases";

        /** e.g. event_date=2026-11-25/event_hour=13, or previous-hour: a partition no longer written. */
        private String partition;

        private int files = 1;

        public String getTable() {
            return table;
        }

        public void setTable(String table) {
            this.table = table;
        }

        public String getPartition() {
            return partition;
        }

        /**
         * The partition to compact: as given, or for {@code previous-hour} (what an hourly schedule passes) the UTC
         * hour before {@code now}'s.
         */
        public String resolvedPartition(java.time.Instant now) {
            if (!"previous-hour".equals(partition)) {
                return partition;
            }
            java.time.ZonedDateTime hour = now.atZone(java.time.ZoneOffset.UTC).minusHours(1);
            return "event_date=" + hour.toLocalDate() + "/event_hour=" + hour.getHour();
        }

        public void setPartition(String partition) {
            this.partition = partition;
        }

        public int getFiles() {
            return files;
        }

        public void setFiles(int files) {
            this.files = files;
        }
    }

    /** HiveServer2 and the DDL scripts. */
    public static class Hive {

        private String jdbcUrl = "jdbc:hive2://localhost:10000/default";

        private String user = "steelthread";

        private String password = "";

        private String database = "default";

        /** Folder of the {@code <table>.sql} scripts. */
        private String ddlLocation = "classpath:ddl/";

        private List<String> tables = new ArrayList<>(List.of("purchases"));

        /**
         * The metastore (thrift://…) a streaming job registers each new partition in as it commits it, so Presto
         * sees new hours while the stream runs; none: partitions wait for hiveDdl's repair.
         */
        private String metastoreUri;

        public String getMetastoreUri() {
            return metastoreUri;
        }

        public void setMetastoreUri(String metastoreUri) {
            this.metastoreUri = metastoreUri;
        }

        public String getJdbcUrl() {
            return jdbcUrl;
        }

        public void setJdbcUrl(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
        }

        public String getUser() {
            return user;
        }

        public void setUser(String user) {
            this.user = user;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public String getDatabase() {
            return database;
        }

        public void setDatabase(String database) {
            this.database = database;
        }

        public String getDdlLocation() {
            return ddlLocation;
        }

        public void setDdlLocation(String ddlLocation) {
            this.ddlLocation = ddlLocation;
        }

        public List<String> getTables() {
            return tables;
        }

        public void setTables(List<String> tables) {
            this.tables = tables;
        }
    }

    /** How the result is checked through Presto. */
    public static class Presto {

        private String jdbcUrl = "jdbc:presto://localhost:8080/hive/default";

        private String user = "steelthread";

        /** For a Presto with password authentication (then over TLS: {@code SSL=true} in the URL); from configuration. */
        private String password;

        /** Rows the table must hold when no spark step of this job reported a count; unset: at least one. */
        private Long expectedRows;

        /** The newest event_ts must be at most this old; 0 disables the check. */
        private Duration maxEventAge = Duration.ofDays(1);

        public String getJdbcUrl() {
            return jdbcUrl;
        }

        public void setJdbcUrl(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
        }

        public String getUser() {
            return user;
        }

        public void setUser(String user) {
            this.user = user;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public Long getExpectedRows() {
            return expectedRows;
        }

        public void setExpectedRows(Long expectedRows) {
            this.expectedRows = expectedRows;
        }

        public Duration getMaxEventAge() {
            return maxEventAge;
        }

        public void setMaxEventAge(Duration maxEventAge) {
            this.maxEventAge = maxEventAge;
        }
    }
}
