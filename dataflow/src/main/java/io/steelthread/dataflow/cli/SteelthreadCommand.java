package io.steelthread.dataflow.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.steelthread.dataflow.client.ApplyException;
import io.steelthread.dataflow.client.DataFlowConnection;
import io.steelthread.dataflow.client.PipelineClient;
import io.steelthread.dataflow.model.DefinitionException;
import io.steelthread.dataflow.model.Definitions;
import io.steelthread.dataflow.session.SeedSession;
import io.steelthread.localstack.ServerStartException;
import io.steelthread.localstack.cli.LocalStack;
import io.steelthread.localstack.cli.LocalStackCommand;
import io.steelthread.localstack.cli.StackSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.springframework.cloud.dataflow.rest.client.DataFlowClientException;

/**
 * {@code ./steelthread up | status | down | demo | dataflow …}: the local stack's servers, with the pipeline
 * deployed on them through Data Flow.
 */
@Command(name = "steelthread", mixinStandardHelpOptions = true, version = "steelthread 0.1.0",
        description = "The seed's pipeline on one machine, without Docker, driven through Spring Cloud Data Flow.",
        subcommands = {SteelthreadCommand.Up.class, SteelthreadCommand.Status.class, SteelthreadCommand.Down.class,
                SteelthreadCommand.Demo.class, DataFlowCommand.class, HandsOnCommands.Presto.class,
                HandsOnCommands.Tail.class, HandsOnCommands.Ls.class, HandsOnCommands.Logs.class})
public final class SteelthreadCommand {

    /** The game API and the processor run as the Data Flow stream, not as servers of the stack. */
    static final List<String> STREAM_APPS = List.of("source", "processor");

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Exit codes: 0 done, 1 error, 2 a server failed to start, 3 a step of the demo failed. */
    public static int run(String... args) {
        // Task arguments are options of the task (launch hive-ddl --steelthread.pipeline.hive.tables=…), not of ours.
        CommandLine cli = new CommandLine(new SteelthreadCommand()).setUnmatchedOptionsArePositionalParams(true);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("steelthread: " + e.getMessage());
            return e instanceof ServerStartException ? 2 : e instanceof SeedSession.StepFailed ? 3 : 1;
        });
        return cli.execute(args);
    }

    static List<String> servers() {
        List<String> servers = new ArrayList<>(LocalStack.SERVERS);
        servers.removeAll(STREAM_APPS);
        return servers;
    }

    /** Starts the servers, then applies the definitions (which deploys the stream), schedules too. */
    static void up(LocalStack stack, List<String> only, PrintStream out) {
        up(stack, only, out, true);
    }

    /**
     * @param schedules whether schedules.properties is applied: not by the demo, a scripted replay a scheduled run
     *                  would interleave with
     */
    static void up(LocalStack stack, List<String> only, PrintStream out, boolean schedules) {
        stack.up(only == null ? servers() : only);
        StackSettings s = stack.settings();
        if (only == null || only.contains("dataflow")) {
            Definitions definitions = StackDefinitions.load(s, null);
            PipelineClient client = new PipelineClient(StackDefinitions.server(s), out);
            try {
                client.apply(definitions, false, schedules);
            }
            catch (RuntimeException e) {
                out.println("steelthread: applying dataflow/definitions failed, stopping the stack");
                down(stack, false, out);
                throw e;
            }
            DataFlowCommand.printStatus(client, definitions, out);
            out.println("Data Flow dashboard: " + s.dataflowUri() + "/dashboard");
        }
    }

    /** Undeploys the streams and stops running tasks through Data Flow (they own those JVMs), then the servers. */
    static void down(LocalStack stack, boolean purge, PrintStream out) {
        StackSettings s = stack.settings();
        if (s.isExternal("dataflow") || stack.running("dataflow").isPresent()) {
            try {
                PipelineClient client = new PipelineClient(StackDefinitions.server(s), out);
                Definitions definitions = StackDefinitions.load(s, null);
                for (Definitions.Task t : definitions.tasks()) {
                    client.stopRunning(t.name(), java.time.Duration.ofMinutes(2));
                }
                for (Definitions.Stream stream : definitions.streams()) {
                    if (client.stream(stream.name()).isPresent()) {
                        List<ProcessHandle> apps = client.instances(stream.name()).stream()
                                .flatMap(i -> LocalProcesses.in(i.workingDir()).stream()).toList();
                        out.println("  undeploying stream " + stream.name() + " (pids "
                                + apps.stream().map(p -> String.valueOf(p.pid())).toList() + ")");
                        client.undeploy(stream.name());
                        LocalProcesses.awaitEnd(apps, java.time.Duration.ofSeconds(60));
                    }
                }
            }
            catch (RuntimeException e) {
                out.println("steelthread: could not undeploy through Data Flow (" + e.getMessage() + "); stopping the servers");
            }
        }
        stack.down(purge);
    }

    @Command(name = "up", description = "Start the servers (Kafka, Hive metastore, HiveServer2, Presto, Skipper, Data Flow, Prometheus), then apply dataflow/definitions: register the apps, create the tasks, deploy the game-events stream through Skipper.")
    static final class Up implements Callable<Integer> {

        @Option(names = "--only", split = ",", description = "Start only these servers (no apply unless dataflow is among them).")
        List<String> only;

        @Override
        public Integer call() {
            up(LocalStackCommand.stack(), only, System.out);
            return 0;
        }
    }

    @Command(name = "status", description = "The servers (address, pid, memory, log), the stream's apps and the tasks' last executions.")
    static final class Status implements Callable<Integer> {

        @Override
        public Integer call() {
            LocalStack stack = LocalStackCommand.stack();
            stack.status(servers());
            StackSettings s = stack.settings();
            if (s.isExternal("dataflow") || stack.running("dataflow").isPresent()) {
                try {
                    DataFlowCommand.printStatus(new PipelineClient(StackDefinitions.server(s), System.out),
                            StackDefinitions.load(s, null), System.out);
                }
                catch (DataFlowClientException | ApplyException | DefinitionException | DataFlowConnection.AuthenticationException
                        | org.springframework.web.client.RestClientException e) {
                    System.out.println("Data Flow: " + e.getMessage());
                }
            }
            return 0;
        }
    }

    @Command(name = "down", description = "Undeploy the stream and stop running tasks through Data Flow, then stop every server.")
    static final class Down implements Callable<Integer> {

        @Option(names = "--purge", description = "Also delete all data and logs.")
        boolean purge;

        @Override
        public Integer call() {
            down(LocalStackCommand.stack(), purge, System.out);
            return 0;
        }
    }

    @Command(name = "demo", description = "The seed's whole session through Data Flow: up, the batch half (traffic, topic, extract task, Presto), the streaming half (console stream, Parquet stream fed in rounds, compaction), down.")
    static final class Demo implements Callable<Integer> {

        @Option(names = "--keep", description = "Leave the stack running afterwards and print the dashboard's address.")
        boolean keep;

        @Option(names = "--rounds", defaultValue = "3", description = "Rounds of the seed's streaming loop (default ${DEFAULT-VALUE}).")
        int rounds;

        @Override
        public Integer call() {
            LocalStack stack = LocalStackCommand.stack();
            long start = System.nanoTime();
            up(stack, null, System.out, false);
            System.out.println("(the demo leaves schedules.properties alone: ./steelthread dataflow apply creates them)");
            boolean done = false;
            try {
                StackSettings s = stack.settings();
                new SeedSession(s, new PipelineClient(StackDefinitions.server(s), System.out),
                        StackDefinitions.load(s, null), System.out, rounds).run();
                done = true;
            }
            finally {
                System.out.printf("%nsteelthread: the seed's session %s in %.0f s%n", done ? "done" : "FAILED",
                        (System.nanoTime() - start) / 1e9);
                if (keep) {
                    System.out.println("the stack keeps running; dashboard: " + stack.settings().dataflowUri() + "/dashboard");
                }
                else {
                    down(stack, false, System.out);
                }
            }
            return 0;
        }
    }
}
