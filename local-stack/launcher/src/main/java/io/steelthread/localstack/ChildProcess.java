package io.steelthread.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A server running as a child process, its output in a log file: most are JVMs of their own, with their own
 * classpath (Kafka, Spark, Hive and Presto pin conflicting Jackson/Scala/Guava versions), Prometheus is a binary.
 */
public final class ChildProcess {

    private static final List<ChildProcess> RUNNING = new CopyOnWriteArrayList<>();

    static {
        // A test run or CLI that dies with an exception must not leave brokers behind.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(c -> c.stop(Duration.ofSeconds(10))),
                "steelthread-child-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code java <jvmOptions> -cp <classpath> <mainClass> <args>} with stdout and stderr appended to
     * {@code logFile}.
     */
    public static ChildProcess start(String name, String classpath, List<String> jvmOptions, String mainClass,
            List<String> args, Map<String, String> env, Path workDir, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return startCommand(name, command, env, workDir, logFile);
    }

    /** Starts any command, stdout and stderr appended to {@code logFile}. */
    public static ChildProcess startCommand(String name, List<String> command, Map<String, String> env, Path workDir,
            Path logFile) {
        try {
            Files.createDirectories(logFile.getParent());
            Files.createDirectories(workDir);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(env);
            ChildProcess child = new ChildProcess(name, builder.start(), logFile);
            RUNNING.add(child);
            return child;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs a short-lived JVM (a tool such as a storage formatter) to completion and returns its exit code. */
    public static int run(String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args,
            Map<String, String> env, Path workDir, Path logFile, Duration timeout) {
        ChildProcess child = start(name, classpath, jvmOptions, mainClass, args, env, workDir, logFile);
        try {
            if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.stop(Duration.ofSeconds(5));
                throw new ServerStartException(name, "did not finish within " + timeout.toSeconds() + " s", child.tail(30));
            }
            RUNNING.remove(child);
            return child.process.exitValue();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.stop(Duration.ofSeconds(5));
            throw new IllegalStateException("interrupted while running " + name, e);
        }
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** Lets the process outlive this JVM (the CLI's {@code up}); it is then stopped by pid ({@code down}). */
    public void detach() {
        RUNNING.remove(this);
    }

    /** SIGTERM, then SIGKILL after {@code grace}; returns once the process is gone. */
    public void stop(Duration grace) {
        RUNNING.remove(this);
        terminate(process.toHandle(), grace);
    }

    /** SIGTERM, then SIGKILL after {@code grace}: also for a process a previous invocation started (by pid). */
    public static void terminate(ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        catch (Exception timeout) {
            process.destroyForcibly();
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            }
            catch (Exception ignored) {
                // Killed; the kernel reaps it.
            }
        }
    }

    /** SIGKILL at once, as a crash would. */
    public void kill() {
        RUNNING.remove(this);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code lines} lines of the log, to explain a failure. */
    public String tail(int lines) {
        return LogTail.of(logFile, lines);
    }
}
