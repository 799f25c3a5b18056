package io.steelthread.monitoring;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param jdbcUrl  Presto, as readers reach it
 * @param tables   the tables whose freshness is sampled
 * @param interval between samples
 */
@ConfigurationProperties("steelthread.freshness")
public record FreshnessProperties(
        @DefaultValue("jdbc:presto://127.0.0.1:8080/hive") String jdbcUrl,
        @DefaultValue("steelthread") String user,
        String password,
        @DefaultValue("default") String database,
        @DefaultValue({"purchases", "sword_purchases"}) List<String> tables,
        @DefaultValue("15s") Duration interval) {
}
