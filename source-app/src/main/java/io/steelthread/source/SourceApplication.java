package io.steelthread.source;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The game API as a Spring Cloud Stream source: HTTP requests in, one Kafka record per game event out. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SourceApplication {

    public static void main(String[] args) {
        SpringApplication.run(SourceApplication.class, args);
    }
}
