package io.steelthread.flows.runner;

import java.net.URI;

import org.springframework.batch.core.Job;
import org.springframework.batch.core.configuration.annotation.JobBuilderFactory;
import org.springframework.batch.core.configuration.annotation.StepBuilderFactory;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.dataflow.core.dsl.TaskNode;
import org.springframework.cloud.dataflow.core.dsl.TaskParser;
import org.springframework.cloud.dataflow.rest.client.DataFlowTemplate;
import org.springframework.cloud.dataflow.rest.client.TaskOperations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestTemplate;

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

    @Bean
    ChildTasks childTasks(FlowRunnerProperties properties) {
        RestTemplate rest = DataFlowTemplate.getDefaultDataflowRestTemplate();
        if (StringUtils.hasText(properties.dataflowServerAccessToken())) {
            String token = properties.dataflowServerAccessToken();
            rest.getInterceptors().add((request, body, execution) -> {
                request.getHeaders().setBearerAuth(token);
                return execution.execute(request, body);
            });
        }
        URI server = properties.dataflowServerUri();
        TaskOperations tasks = new DataFlowTemplate(server, rest).taskOperations();
        return new ChildTasks(tasks, properties.pollInterval(), properties.maxWaitTime());
    }
}
