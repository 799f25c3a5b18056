package io.steelthread.monitoring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Samples, while the stack runs, how old the newest row Presto users can see in each table is, and serves it on
 * {@code /actuator/prometheus}: freshness as readers experience it, end to end (API, processor, stream, commit,
 * partition registration, Presto), which no single stage can report about itself.
 */
@SpringBootApplication
@EnableScheduling
@ConfigurationPropertiesScan
public class FreshnessExporterApplication {

    public static void main(String[] args) {
        SpringApplication.run(FreshnessExporterApplication.class, args);
    }
}
