package io.steelthread.flows.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.JobBuilderFactory;
import org.springframework.batch.core.configuration.annotation.StepBuilderFactory;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.batch.core.launch.JobLauncher;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.cloud.dataflow.core.dsl.TaskParser;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

/**
 * The graph-to-Batch translation on a real Spring Batch (in-memory repository), with children that end as the test
 * says instead of tasks launched through Data Flow (FlowsIT does that): which children run, in which order, and how
 * the job ends.
 */
class GraphFlowsTest {

    private AnnotationConfigApplicationContext context;
    private final List<String> ran = new CopyOnWriteArrayList<>();
    /** Child name to what it ends with: a status, or "throw" (a failure no transition of its own matched). */
    private final Map<String, String> outcomes = new ConcurrentHashMap<>();

    @Configuration
    @EnableBatchProcessing
    static class Batch {
        @Bean
        DataSource dataSource() {
            return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true)
                    .addScript("/org/springframework/batch/core/schema-h2.sql").build();
        }
    }

    @BeforeEach
    void batch() {
        context = new AnnotationConfigApplicationContext(Batch.class);
    }

    @AfterEach
    void close() {
        context.close();
    }

    private Tasklet child(String name) {
        return (contribution, chunk) -> {
            ran.add(name);
            String outcome = outcomes.getOrDefault(name, "COMPLETED");
            if (outcome.equals("throw")) {
                throw new IllegalStateException(name + " failed");
            }
            if (outcome.startsWith("wait:")) {
                ((CountDownLatch) latches.get(outcome.substring(5))).countDown();
                assertThat(((CountDownLatch) latches.get(outcome.substring(5))).await(5, TimeUnit.SECONDS))
                        .as("both branches of the split run at once").isTrue();
                outcome = "COMPLETED";
            }
            contribution.setExitStatus(new ExitStatus(outcome));
            return RepeatStatus.FINISHED;
        };
    }

    private final Map<String, Object> latches = new ConcurrentHashMap<>();

    private Job job(String name, String graph) {
        GraphFlows flows = new GraphFlows(context.getBean(StepBuilderFactory.class), new SimpleAsyncTaskExecutor(),
                (child, statuses) -> child(child));
        return context.getBean(JobBuilderFactory.class).get(name)
                .incrementer(new RestartOrNextRun(name, context.getBean(JobExplorer.class)))
                .start(flows.flow(new TaskParser(name, graph, false, true).parse())).end().build();
    }

    private JobExecution run(Job job) throws Exception {
        JobParameters parameters = job.getJobParametersIncrementer().getNext(new JobParameters());
        return context.getBean(JobLauncher.class).run(job, parameters);
    }

    @Test
    void aSequenceRunsInOrder() throws Exception {
        JobExecution execution = run(job("seq", "f-a && f-b && f-c"));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(ran).containsExactly("f-a", "f-b", "f-c");
    }

    @Test
    void aFailedMiddleChildStopsTheFlowAndFailsIt() throws Exception {
        outcomes.put("f-b", "throw");
        JobExecution execution = run(job("fail", "f-a && f-b && f-c"));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(ran).containsExactly("f-a", "f-b");
    }

    @Test
    void aFailedStatusWithoutItsOwnTransitionFailsTheFlowToo() throws Exception {
        outcomes.put("f-a", "FAILED");
        JobExecution execution = run(job("failstatus", "f-a && f-b"));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(ran).containsExactly("f-a");
    }

    @Test
    void aFailedTransitionRunsTheFallbackAndEndsTheFlow() throws Exception {
        outcomes.put("f-a", "throw");
        JobExecution execution = run(job("fallback", "f-a 'FAILED' -> f-fb && f-c"));
        assertThat(ran).containsExactly("f-a", "f-fb");
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    @Test
    void withoutTheFailureTheSequenceGoesOn() throws Exception {
        JobExecution execution = run(job("nofallback", "f-a 'FAILED' -> f-fb && f-c"));
        assertThat(ran).containsExactly("f-a", "f-c");
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    @Test
    void aCustomStatusAndTheWildcardPickTheirTargets() throws Exception {
        outcomes.put("f-a", "EMPTY");
        run(job("custom", "f-a 'EMPTY' -> f-x '*' -> f-y"));
        assertThat(ran).containsExactly("f-a", "f-x");
        ran.clear();
        outcomes.put("f-a", "SOMETHING");
        run(job("wild", "f-a 'EMPTY' -> f-x '*' -> f-y"));
        assertThat(ran).containsExactly("f-a", "f-y");
    }

    @Test
    void aSplitRunsItsBranchesAtOnceThenGoesOn() throws Exception {
        latches.put("split", new CountDownLatch(2));
        outcomes.put("f-a", "wait:split");
        outcomes.put("f-b", "wait:split");
        JobExecution execution = run(job("split", "<f-a || f-b && f-b2> && f-c"));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(ran).containsExactlyInAnyOrder("f-a", "f-b", "f-b2", "f-c");
        assertThat(ran.indexOf("f-b2")).isGreaterThan(ran.indexOf("f-b"));
        assertThat(ran.get(3)).isEqualTo("f-c");
    }

    @Test
    void aFailedBranchFailsTheSplitAndTheFlow() throws Exception {
        outcomes.put("f-b", "throw");
        JobExecution execution = run(job("splitfail", "<f-a || f-b> && f-c"));
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(ran).containsExactlyInAnyOrder("f-a", "f-b");
    }

    @Test
    void aRerunAfterAFailureResumesAtTheFailedChild() throws Exception {
        outcomes.put("f-b", "throw");
        Job job = job("resume", "f-a && f-b && f-c");
        assertThat(run(job).getStatus()).isEqualTo(BatchStatus.FAILED);
        outcomes.remove("f-b");
        ran.clear();
        JobExecution second = run(job);
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(ran).containsExactly("f-b", "f-c");
        assertThat(second.getJobInstance().getInstanceId())
                .as("the same run restarted").isEqualTo(context.getBean(JobExplorer.class)
                        .getJobInstances("resume", 0, 10).get(0).getInstanceId());
        ran.clear();
        JobExecution third = run(job);
        assertThat(ran).as("after a completed run, a new run from the start").containsExactly("f-a", "f-b", "f-c");
        assertThat(third.getJobInstance().getInstanceId()).isNotEqualTo(second.getJobInstance().getInstanceId());
    }
}
