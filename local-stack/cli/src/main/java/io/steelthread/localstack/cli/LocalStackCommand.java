package io.steelthread.localstack.cli;

import java.util.concurrent.Callable;

import io.steelthread.localstack.ServerStartException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The servers alone: {@code up | status | down [--purge]} (the pipeline on them is driven from dataflow/). */
@Command(name = "steelthread", mixinStandardHelpOptions = true, version = "steelthread 0.1.0",
        description = "The seed's cluster on one machine, without Docker.",
        subcommands = {LocalStackCommand.Up.class, LocalStackCommand.Status.class, LocalStackCommand.Down.class})
public final class LocalStackCommand {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code: 0 done, 1 error, 2 a server failed to start. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new LocalStackCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("steelthread: " + e.getMessage());
            return e instanceof ServerStartException ? 2 : 1;
        });
        return cli.execute(args);
    }

    public static LocalStack stack() {
        return new LocalStack(StackSettings.load(), System.out);
    }

    @Command(name = "up", description = "Start every server that is not running: Kafka, Hive metastore, HiveServer2, Presto, Skipper, Data Flow, the processor, the game API, Prometheus.")
    static final class Up implements Callable<Integer> {

        @Option(names = "--only", split = ",", description = "Start only these servers.")
        java.util.List<String> only;

        @Override
        public Integer call() {
            stack().up(only == null ? LocalStack.SERVERS : only);
            return 0;
        }
    }

    @Command(name = "status", description = "Show each server: address, state, pid, memory, log file.")
    static final class Status implements Callable<Integer> {

        @Override
        public Integer call() {
            stack().status();
            return 0;
        }
    }

    @Command(name = "down", description = "Stop every server the stack started.")
    static final class Down implements Callable<Integer> {

        @Option(names = "--purge", description = "Also delete all data and logs.")
        boolean purge;

        @Override
        public Integer call() {
            stack().down(purge);
            return 0;
        }
    }
}
