package io.steelthread.monitoring;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * One sample per table per interval: {@code SELECT to_unixtime(max(event_ts)), count(*)} through presto-jdbc, in
 * UTC (the tables' timestamps are UTC). A table Presto cannot read (not created yet, metastore down) reports
 * NaN freshness and 0 in {@code steelthread_table_check_success}; Presto itself unreachable also sets
 * {@code steelthread_presto_up} to 0, so "no data" and "no Presto" are told apart.
 */
@Component
class FreshnessSampler {

    private static final Logger log = LoggerFactory.getLogger(FreshnessSampler.class);

    private final FreshnessProperties properties;
    private final MeterRegistry registry;
    private final Map<String, Sample> samples = new ConcurrentHashMap<>();
    private volatile double prestoUp;

    FreshnessSampler(FreshnessProperties properties, MeterRegistry registry) {
        this.properties = properties;
        this.registry = registry;
        Gauge.builder("steelthread.presto.up", this, s -> s.prestoUp)
                .description("1 if the last sample could query Presto").register(registry);
        for (String table : properties.tables()) {
            Sample sample = new Sample();
            samples.put(table, sample);
            Gauge.builder("steelthread.table.freshness.seconds", sample,
                    s -> Double.isNaN(s.newest) ? Double.NaN : System.currentTimeMillis() / 1000.0 - s.newest)
                    .description("Now minus the newest event_ts Presto readers see in the table")
                    .tag("table", table).register(registry);
            Gauge.builder("steelthread.table.newest.event.timestamp.seconds", sample, s -> s.newest)
                    .description("The newest event_ts Presto readers see in the table").tag("table", table)
                    .register(registry);
            Gauge.builder("steelthread.table.rows", sample, s -> s.rows)
                    .description("Rows Presto readers see in the table").tag("table", table).register(registry);
            Gauge.builder("steelthread.table.check.success", sample, s -> s.ok)
                    .description("1 if the last sample could read the table").tag("table", table)
                    .register(registry);
        }
    }

    @Scheduled(fixedDelayString = "${steelthread.freshness.interval:15s}", initialDelay = 1000)
    void sample() {
        Properties connection = new Properties();
        connection.setProperty("user", properties.user());
        if (properties.password() != null && !properties.password().isBlank()) {
            connection.setProperty("password", properties.password());
        }
        connection.setProperty("timeZoneId", "UTC");
        try (Connection c = DriverManager.getConnection(properties.jdbcUrl(), connection);
                Statement statement = c.createStatement()) {
            prestoUp = 1;
            samples.forEach((table, sample) -> sample(statement, table, sample));
        }
        catch (SQLException e) {
            prestoUp = 0;
            samples.values().forEach(Sample::failed);
            log.warn("Presto unreachable at {}: {}", properties.jdbcUrl(), e.getMessage());
        }
    }

    private void sample(Statement statement, String table, Sample sample) {
        String sql = "SELECT to_unixtime(max(event_ts)), count(*) FROM hive." + properties.database() + "." + table;
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            double newest = rs.getDouble(1);
            sample.newest = rs.wasNull() ? Double.NaN : newest;
            sample.rows = rs.getLong(2);
            sample.ok = 1;
        }
        catch (SQLException e) {
            sample.failed();
            log.debug("cannot sample {}: {}", table, e.getMessage());
        }
    }

    private static final class Sample {
        volatile double newest = Double.NaN;
        volatile double rows = Double.NaN;
        volatile double ok;

        void failed() {
            ok = 0;
        }
    }
}
