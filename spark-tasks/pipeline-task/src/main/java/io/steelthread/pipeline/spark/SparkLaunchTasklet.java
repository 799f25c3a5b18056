package io.steelthread.pipeline.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.pipeline.PipelineProperties;
import io.steelthread.pipeline.metrics.TaskMetrics;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.StepContribution;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.StoppableTasklet;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.util.FileSystemUtils;

/**
 * Submits a Spark application through {@link SparkLauncher} and waits for it. The Spark app id and every state
 * transition go to the step's execution context and the log; a failed app fails the step with the end of Spark's
 * output; a stopped task (or a JVM shutdown) kills the Spark app, so no driver outlives its task. The row count
 * the application reports is put in the step's context as {@value #ROWS}.
 */
public class SparkLaunchTasklet implements StoppableTasklet, ApplicationListener<ContextClosedEvent>, Ordered {

    public static final String ROWS = "spark.rows";
    /** The rows the table holds after the application (an incremental extract appends; readers see all). */
    public static final String TABLE_ROWS = "spark.tableRows";
    /** Events of the wanted types the application dropped for lack of a partition (event_date/event_hour). */
    public static final String UNPARTITIONABLE = "spark.unpartitionable";
    /** A directory the application produced (compaction), from its result file. */
    public static final String LOCATION = "spark.location";
    public static final String APP_ID = "spark.appId";
    public static final String STATES = "spark.states";

    private static final Logger log = LoggerFactory.getLogger(SparkLaunchTasklet.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PipelineProperties.Spark spark;
    private final SparkApplication application;
    private final TaskMetrics metrics;
    private volatile SparkAppHandle handle;
    private volatile boolean stopRequested;
    /** Open while {@link #execute} runs, so that a context close can wait for the step to record its outcome. */
    private volatile CountDownLatch running = new CountDownLatch(0);
    private volatile Long jobExecutionId;
    private JobExplorer jobExplorer;

    public SparkLaunchTasklet(PipelineProperties.Spark spark, SparkApplication application, TaskMetrics metrics) {
        this.spark = spark;
        this.application = application;
        this.metrics = metrics;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        running = new CountDownLatch(1);
        jobExecutionId = chunkContext.getStepContext().getStepExecution().getJobExecutionId();
        try {
            return launch(contribution, chunkContext);
        }
        finally {
            running.countDown();
        }
    }

    private RepeatStatus launch(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        ExecutionContext context = chunkContext.getStepContext().getStepExecution().getExecutionContext();
        Path work = Files.createTempDirectory("spark-" + application.name() + "-");
        Path result = work.resolve("result.json");
        Path output = work.resolve("spark-submit.log");
        List<String> states = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);

        if (application.stopFile() != null) {
            Files.deleteIfExists(application.stopFile());
        }
        SparkLauncher launcher = new SparkLauncher()
                .setSparkHome(spark.getHome())
                .setMaster(spark.getMaster())
                .setDeployMode(spark.getDeployMode())
                .setAppResource(spark.getAppResource())
                .setMainClass(application.mainClass())
                .setAppName(application.name())
                .setConf(SparkLauncher.DRIVER_MEMORY, spark.getDriverMemory())
                .setConf(SparkLauncher.EXECUTOR_MEMORY, spark.getExecutorMemory())
                .redirectError()
                .redirectOutput(output.toFile());
        spark.getConf().forEach(launcher::setConf);
        List<String> args = new ArrayList<>(application.args());
        args.add("--result-file");
        args.add(result.toString());
        launcher.addAppArgs(args.toArray(String[]::new));

        // SIGTERM (how Data Flow stops a local task) stops a streaming app between batches, a batch app at once.
        Thread killer = new Thread(this::stopApplication, "spark-app-stopper");
        Runtime.getRuntime().addShutdownHook(killer);
        SparkOutputFollower follower = new SparkOutputFollower(output, application.name(),
                progress -> metrics.streamProgress(application.table(), progress));
        long started = System.nanoTime();
        try {
            handle = launcher.startApplication(new SparkAppHandle.Listener() {
                @Override
                public void stateChanged(SparkAppHandle h) {
                    String entry = h.getState() + (h.getAppId() == null ? "" : " " + h.getAppId());
                    synchronized (states) {
                        states.add(entry);
                        context.putString(STATES, String.join(" -> ", states));
                    }
                    log.info("Spark application {}: {}", application.name(), entry);
                    if (h.getState().isFinal()) {
                        done.countDown();
                    }
                }

                @Override
                public void infoChanged(SparkAppHandle h) {
                    if (h.getAppId() != null) {
                        context.putString(APP_ID, h.getAppId());
                    }
                }
            });
            if (application.stopFile() != null) {
                // A streaming application runs until it is stopped; the timeout is for batch applications.
                done.await();
            }
            else if (!done.await(spark.getTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                metrics.sparkApplication(application.name(), "TIMED_OUT",
                        java.time.Duration.ofNanos(System.nanoTime() - started));
                throw new SparkApplicationFailedException(application.name() + " did not end within "
                        + spark.getTimeout() + "; killed. Spark's output:\n" + tail(output));
            }
        }
        finally {
            follower.close();
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            }
            catch (IllegalStateException shuttingDown) {
                // The hook is running: it kills the app.
            }
        }
        try {
            SparkAppHandle.State state = handle.getState();
            metrics.sparkApplication(application.name(), state.name(),
                    java.time.Duration.ofNanos(System.nanoTime() - started));
            if (stopRequested) {
                contribution.setExitStatus(org.springframework.batch.core.ExitStatus.STOPPED);
                log.info("Spark application {} stopped on request ({})", application.name(), state);
            }
            else if (state != SparkAppHandle.State.FINISHED) {
                throw new SparkApplicationFailedException("Spark application " + application.name() + " ended " + state
                        + (handle.getAppId() == null ? "" : " (" + handle.getAppId() + ")") + ". Spark's output:\n"
                        + tail(output));
            }
            if (!stopRequested && !Files.exists(result) && application.stopFile() == null
                    && !"cluster".equals(spark.getDeployMode())) {
                // A batch application writes its result as its last step; with the driver here (client mode) a
                // missing one means it failed after stopping its session, which Spark's launcher may still report
                // as FINISHED (e.g. ExtractEventsJob refusing to replace a table with no events, exit 3).
                throw new SparkApplicationFailedException("Spark application " + application.name() + " ended " + state
                        + " without reporting a result: it failed. Spark's output:\n" + tail(output));
            }
            if (Files.exists(result)) {
                JsonNode reported = JSON.readTree(result.toFile());
                if (reported.has("rows")) {
                    long rows = reported.get("rows").asLong();
                    context.putLong(ROWS, rows);
                    contribution.incrementWriteCount((int) Math.min(rows, Integer.MAX_VALUE));
                    metrics.rowsWritten(application.table(), rows);
                    log.info("Spark application {} wrote {} rows", application.name(), rows);
                }
                if (reported.path("unpartitionable").asLong(0) > 0) {
                    long dropped = reported.get("unpartitionable").asLong();
                    context.putLong(UNPARTITIONABLE, dropped);
                    log.warn("Spark application {} dropped {} events with no event_date/event_hour", application.name(),
                            dropped);
                }
                metrics.rowsUnpartitionable(application.table(), reported.path("unpartitionable").asLong(0));
                if (reported.has("tableRows")) {
                    context.putLong(TABLE_ROWS, reported.get("tableRows").asLong());
                }
                if (reported.has("location")) {
                    context.putString(LOCATION, reported.get("location").asText());
                }
            }
            return RepeatStatus.FINISHED;
        }
        finally {
            FileSystemUtils.deleteRecursively(work);
            if (application.stopFile() != null) {
                Files.deleteIfExists(application.stopFile());
            }
        }
    }

    /**
     * A task stop: a streaming application is asked to stop between batches (its stop file) and killed if it has
     * not ended within 60 s; a batch application is killed. Either way no driver outlives its task.
     */
    @Override
    public void stop() {
        stopRequested = true;
        stopApplication();
    }

    /**
     * SIGTERM (how Data Flow stops a local task) closes the context: a tasklet that is a bean stops its application
     * first, while the job repository and the log are still open, so the step ends with the application's outcome.
     */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        stopApplication();
        try {
            running.await(10, TimeUnit.SECONDS);
            Long id = jobExecutionId;
            // The job records its end after the step; the repository must still be open then.
            for (int i = 0; i < 100 && jobExplorer != null && id != null; i++) {
                JobExecution job = jobExplorer.getJobExecution(id);
                if (job == null || job.getEndTime() != null) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On a context close, wait (10 s at most) for the job running this tasklet to record its end. */
    public SparkLaunchTasklet awaitingJobEndOnClose(JobExplorer explorer) {
        this.jobExplorer = explorer;
        return this;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    private void stopApplication() {
        SparkAppHandle h = handle;
        if (application.stopFile() != null && h != null && !h.getState().isFinal()) {
            try {
                Files.createDirectories(application.stopFile().toAbsolutePath().getParent());
                Files.writeString(application.stopFile(), "stop\n");
                for (int i = 0; i < 600 && !h.getState().isFinal(); i++) {
                    Thread.sleep(100);
                }
            }
            catch (IOException e) {
                log.warn("cannot write the stop file {}: {}", application.stopFile(), e.getMessage());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kill();
    }

    private void kill() {
        SparkAppHandle h = handle;
        if (h != null && !h.getState().isFinal()) {
            log.warn("killing Spark application {}", application.name());
            h.kill();
        }
    }

    /** Spark's first error line (spark-submit prints usage text after it), then the end of the output. */
    private static String tail(Path output) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            String firstError = lines.stream().filter(l -> l.contains("Error") || l.contains("Exception")).findFirst()
                    .map(l -> l + "\n...\n").orElse("");
            return firstError + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
        }
        catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
