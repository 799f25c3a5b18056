package io.steelthread.flows.scheduler;

import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigureAfter;
import org.springframework.boot.autoconfigure.AutoConfigureBefore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.cloud.deployer.spi.scheduler.Scheduler;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.quartz.SchedulerFactoryBean;

/**
 * Data Flow 2.7's local platform answers every schedule request with "Scheduling is not implemented for local
 * platform": its stub {@code Scheduler} is {@code @ConditionalOnMissingBean}, so this auto-configuration, ordered
 * before it, supplies a real one. Active with {@code spring.cloud.dataflow.features.schedules-enabled=true}, like the
 * server's schedule endpoints.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.cloud.dataflow.features.schedules-enabled", havingValue = "true")
@AutoConfigureAfter(DataSourceAutoConfiguration.class)
@AutoConfigureBefore(value = QuartzAutoConfiguration.class,
        name = "org.springframework.cloud.dataflow.autoconfigure.local.LocalSchedulerAutoConfiguration")
public class LocalSchedulerAutoConfiguration {

    @Bean
    QuartzSchema quartzSchema(DataSource dataSource) {
        return new QuartzSchema(dataSource);
    }

    /** Quartz on the server's own database (JDBC job store, non-clustered), started with the server. */
    @Bean
    SchedulerFactoryBean localQuartzScheduler(DataSource dataSource, QuartzSchema schema, BeanFactory server) {
        SchedulerFactoryBean factory = new SchedulerFactoryBean();
        factory.setSchedulerName("dataflow-local-scheduler");
        factory.setDataSource(dataSource);
        Properties quartz = new Properties();
        quartz.setProperty("org.quartz.jobStore.driverDelegateClass", schema.driverDelegate());
        quartz.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        // A firing later than this (the server down or paused) is a misfire, handled per schedule.
        quartz.setProperty("org.quartz.jobStore.misfireThreshold", "10000");
        quartz.setProperty("org.quartz.threadPool.threadCount", "2");
        quartz.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        factory.setQuartzProperties(quartz);
        factory.setSchedulerContextAsMap(Map.of(LaunchScheduledTask.SERVER_TASKS, new ServerTasks(server)));
        factory.setGlobalTriggerListeners(new MisfireReport());
        factory.setWaitForJobsToCompleteOnShutdown(false);
        // Started once the server is ready: it registers its task platforms (where a launch goes) only then, and
        // a firing missed while it was down runs at start-up.
        factory.setAutoStartup(false);
        return factory;
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> startLocalQuartzScheduler(org.quartz.Scheduler localQuartzScheduler) {
        return event -> {
            try {
                // The server registers its platforms in its own listener of this event; give it that moment.
                localQuartzScheduler.startDelayed(3);
            }
            catch (org.quartz.SchedulerException e) {
                throw new IllegalStateException("cannot start the local scheduler: " + e.getMessage(), e);
            }
        };
    }

    @Bean
    Scheduler localScheduler(org.quartz.Scheduler localQuartzScheduler) {
        return new QuartzTaskScheduler(localQuartzScheduler);
    }
}
