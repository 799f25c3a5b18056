package io.steelthread.flows.runner;

import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobInstance;
import org.springframework.batch.core.JobParameter;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;
import org.springframework.batch.core.JobParametersIncrementer;
import org.springframework.batch.core.explore.JobExplorer;

/**
 * A flow launched again after it failed or was stopped resumes that run (Spring Batch restarts the job instance:
 * completed children are skipped, the failed one runs again); after a completed run it starts a new one.
 */
final class RestartOrNextRun implements JobParametersIncrementer {

    static final String RUN = "flow.run";

    private final String job;
    private final JobExplorer explorer;

    RestartOrNextRun(String job, JobExplorer explorer) {
        this.job = job;
        this.explorer = explorer;
    }

    @Override
    public JobParameters getNext(JobParameters ignored) {
        JobInstance last = explorer.getLastJobInstance(job);
        if (last == null) {
            return run(1);
        }
        JobExecution lastExecution = explorer.getLastJobExecution(last);
        long lastRun = lastExecution == null ? 0 : lastExecution.getJobParameters().getLong(RUN, 0L);
        if (lastExecution != null && (lastExecution.getStatus() == BatchStatus.FAILED
                || lastExecution.getStatus() == BatchStatus.STOPPED)) {
            Map<String, JobParameter> identifying = lastExecution.getJobParameters().getParameters().entrySet()
                    .stream().filter(e -> e.getValue().isIdentifying())
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            return new JobParameters(identifying);
        }
        return run(lastRun + 1);
    }

    private static JobParameters run(long run) {
        return new JobParametersBuilder().addLong(RUN, run).toJobParameters();
    }
}
