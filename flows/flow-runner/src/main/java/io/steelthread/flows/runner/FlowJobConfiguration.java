package io.steelthread.flows.runner;

import io.steelthread.dataflow.client.DataFlowConnection;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.configuration.annotation.JobBuilderFactory;
import org.springframework.batch.core.configuration.annotation.StepBuilderFactory;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.dataflow.core.dsl.TaskNode;
import org.springframework.cloud.dataflow.core.dsl.TaskParser;
import org.springframework.cloud.dataflow.rest.client.TaskOperations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.util.StringUtils;

/** The flow's job: named after the flow's task definition, built from the graph Data Flow passes. */
@Configuration
class FlowJobConfiguration {

    @Bean
    Job flowJob(JobBuilderFactory jobs, StepBuilderFactory steps, FlowRunnerProperties properties,
            ChildTasks children, FlowRun run, JobExplorer explorer, ThreadPoolTaskExecutor splitExecutor,
            @Value("${spring.cloud.task.name:flow}") String name) {
        if (!StringUtils.hasText(properties.graph())) {
            throw new IllegalArgumentException("no graph: the flow runner runs the composed task definitions Data Flow "
                    + "launches it with (graph=a && b)");
        }
        TaskNode graph = new TaskParser(name, properties.graph(), false, true).parse();
        GraphFlows flows = new GraphFlows(steps, splitExecutor,
                (child, statuses) -> new ChildTaskTasklet(child, statuses, children, run, properties));
        return jobs.get(name).incrementer(new RestartOrNextRun(name, explorer)).start(flows.flow(graph)).end().build();
    }

    @Bean
    ThreadPoolTaskExecutor splitExecutor(FlowRunnerProperties properties) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setCorePoolSize(properties.splitThreadCount());
        executor.setMaxPoolSize(properties.splitThreadCount());
        executor.setThreadNamePrefix("split-");
        return executor;
    }

    /**
     * Opened when the first child is launched, not at start: a server that refuses the runner's credentials then
     * fails the flow's first step with the reason, and the flow's execution ends (exit 1) instead of never starting.
     */
    @Bean
    @Lazy
    TaskOperations dataFlowTasks(FlowRunnerProperties properties) {
        return DataFlowConnection.open(properties.dataflowServerUri(), new DataFlowConnection.Credentials(
                properties.dataflowServerAccessToken(), properties.oauth2ClientCredentialsClientId(),
                properties.oauth2ClientCredentialsClientSecret(), properties.oauth2ClientCredentialsTokenUri(),
                properties.oauth2ClientCredentialsScopes()),
                "launch the flow with use-user-access-token, or give it oauth2-client-credentials-client-id, "
                        + "-client-secret and -token-uri (README, Security)").taskOperations();
    }

    @Bean
    ChildTasks childTasks(@Lazy TaskOperations dataFlowTasks, FlowRunnerProperties properties) {
        return new ChildTasks(dataFlowTasks, properties.pollInterval(), properties.maxWaitTime());
    }
}
