package io.steelthread.flows.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.cloud.task.configuration.EnableTask;
import org.springframework.cloud.task.listener.TaskExecutionListener;
import org.springframework.cloud.task.repository.TaskExecution;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

/**
 * A task that waits {@code probe.sleep}, then ends as told: failed ({@code probe.fail=true}, exit code 1) or not,
 * with {@code probe.exit-message} as its exit message (what a flow's transitions match). With {@code probe.marker}
 * it appends its start and end, with its process id, to that file.
 */
@SpringBootApplication
@EnableTask
@ConfigurationPropertiesScan
public class ProbeTaskApplication {

    private static final Logger log = LoggerFactory.getLogger(ProbeTaskApplication.class);

    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(ProbeTaskApplication.class, args)));
    }

    @ConstructorBinding
    @ConfigurationProperties("probe")
    public record ProbeProperties(@DefaultValue("0s") Duration sleep, boolean fail, String exitMessage, Path marker) {
    }

    @Bean
    ApplicationRunner probe(ProbeProperties probe, org.springframework.core.env.Environment env) {
        return args -> {
            String name = env.getProperty("spring.cloud.task.name", "probe");
            // The JVM's own start: what a flow's runner and Data Flow add before a child runs ends there.
            mark(probe, name + " start pid=" + ProcessHandle.current().pid() + " jvm-start="
                    + Instant.ofEpochMilli(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()));
            log.info("probe {}: sleeping {}", name, probe.sleep());
            Thread.sleep(probe.sleep().toMillis());
            mark(probe, name + " end");
            if (probe.fail()) {
                throw new IllegalStateException(StringUtils.hasText(probe.exitMessage()) ? probe.exitMessage()
                        : "probe told to fail");
            }
        };
    }

    @Bean
    TaskExecutionListener exitMessage(ProbeProperties probe) {
        return new TaskExecutionListener() {
            @Override
            public void onTaskEnd(TaskExecution task) {
                if (StringUtils.hasText(probe.exitMessage())) {
                    task.setExitMessage(probe.exitMessage());
                }
            }

            @Override
            public void onTaskStartup(TaskExecution task) {
            }

            @Override
            public void onTaskFailed(TaskExecution task, Throwable throwable) {
            }
        };
    }

    private static void mark(ProbeProperties probe, String line) throws IOException {
        if (probe.marker() != null) {
            Files.writeString(probe.marker(), Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
