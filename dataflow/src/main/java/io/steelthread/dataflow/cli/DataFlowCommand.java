package io.steelthread.dataflow.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.steelthread.dataflow.client.PipelineClient;
import io.steelthread.dataflow.model.Definitions;
import io.steelthread.localstack.cli.StackSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import org.springframework.cloud.dataflow.rest.resource.StreamDefinitionResource;
import org.springframework.cloud.dataflow.rest.resource.TaskExecutionResource;

/** {@code ./steelthread dataflow apply | launch | status | logs | stop | undeploy | destroy}. */
@Command(name = "dataflow", mixinStandardHelpOptions = true,
        description = "Drive the pipeline through the Data Flow server (definitions in dataflow/definitions).",
        subcommands = {DataFlowCommand.Apply.class, DataFlowCommand.Launch.class, DataFlowCommand.Status.class,
                HandsOnCommands.Logs.class, DataFlowCommand.Stop.class, DataFlowCommand.Undeploy.class,
                DataFlowCommand.Destroy.class})
public final class DataFlowCommand {

    @Option(names = "--definitions", description = "The definitions directory (default: dataflow/definitions).")
    Path definitions;

    final PrintStream out = System.out;

    Definitions definitions() {
        return StackDefinitions.load(StackSettings.load(), definitions);
    }

    PipelineClient client() {
        return new PipelineClient(StackDefinitions.server(StackSettings.load()), out);
    }

    @Command(name = "apply", description = "Register the apps, create or update the stream and task definitions, deploy the streams: only what differs from the server. Prints the plan.")
    static final class Apply implements Callable<Integer> {

        @ParentCommand
        DataFlowCommand parent;

        @Option(names = "--dry-run", description = "Print the plan only.")
        boolean dryRun;

        @Override
        public Integer call() {
            parent.client().apply(parent.definitions(), dryRun);
            return 0;
        }
    }

    @Command(name = "launch", description = "Launch a task; by default wait for it and exit with its exit code, printing its log's end.")
    static final class Launch implements Callable<Integer> {

        @ParentCommand
        DataFlowCommand parent;

        @Parameters(index = "0", description = "The task definition (tasks.dsl).")
        String task;

        @Parameters(index = "1..*", description = "Arguments for this launch (--key=value).")
        List<String> args = new ArrayList<>();

        @Option(names = "--no-wait", description = "Print the execution id and return.")
        boolean noWait;

        @Option(names = "--lines", defaultValue = "30", description = "Log lines shown at the end (default ${DEFAULT-VALUE}).")
        int lines;

        @Override
        public Integer call() {
            PipelineClient client = parent.client();
            long id = client.launch(parent.definitions(), task, args);
            parent.out.println("launched " + task + ": execution " + id);
            if (noWait) {
                return 0;
            }
            TaskExecutionResource done = client.await(id, Duration.ofHours(3));
            parent.out.println(PipelineClient.tail(client.log(done), lines));
            parent.out.println(task + " (execution " + id + ") exit code " + done.getExitCode()
                    + (done.getExitMessage() == null ? "" : ": " + done.getExitMessage()));
            return done.getExitCode() == null ? 1 : Math.min(done.getExitCode(), 255);
        }
    }

    @Command(name = "status", description = "Streams and their apps (state, pid, URL), tasks and their last execution.")
    static final class Status implements Callable<Integer> {

        @ParentCommand
        DataFlowCommand parent;

        @Override
        public Integer call() {
            PipelineClient client = parent.client();
            Definitions d = parent.definitions();
            printStatus(client, d, parent.out);
            return 0;
        }
    }

    static void printStatus(PipelineClient client, Definitions d, PrintStream out) {
        out.printf("%-24s %-12s %s%n", "STREAM", "STATE", "DEFINITION");
        for (Definitions.Stream s : d.streams()) {
            String state = client.stream(s.name()).map(StreamDefinitionResource::getStatus).orElse("absent");
            out.printf("%-24s %-12s %s%n", s.name(), state, s.dsl());
            for (PipelineClient.AppInstance i : client.instances(s.name())) {
                out.printf("  %-34s %-10s pid %-8s %s  log %s%n", i.instanceId(), i.state(),
                        LocalProcesses.in(i.workingDir()).map(p -> String.valueOf(p.pid())).orElse("-"), i.url(), i.log());
            }
        }
        out.printf("%-24s %-10s %-10s %-24s %s%n", "TASK", "EXECUTION", "EXIT CODE", "ENDED", "MESSAGE");
        for (Definitions.Task t : d.tasks()) {
            TaskExecutionResource last;
            try {
                last = client.last(t.name()).orElse(null);
            }
            catch (RuntimeException e) {
                last = null;
            }
            out.printf("%-24s %-10s %-10s %-24s %s%n", t.name(), last == null ? "-" : last.getExecutionId(),
                    last == null ? "-" : last.getEndTime() == null ? "running" : String.valueOf(last.getExitCode()),
                    last == null || last.getEndTime() == null ? "-" : last.getEndTime().toInstant().toString(),
                    last == null || last.getExitMessage() == null ? "" : last.getExitMessage());
        }
        List<PipelineClient.ScheduleStatus> schedules = client.schedules();
        if (!schedules.isEmpty()) {
            out.printf("%-24s %-24s %-14s %s%n", "SCHEDULE", "TASK", "CRON", "NEXT FIRING");
            schedules.forEach(s -> out.printf("%-24s %-24s %-14s %s%n", s.name(), s.task(), s.cron(), s.next()));
        }
    }

    @Command(name = "stop", description = "Stop a task's running executions (a streaming task stops between batches).")
    static final class Stop implements Callable<Integer> {

        @ParentCommand
        DataFlowCommand parent;

        @Parameters(index = "0", description = "The task.")
        String task;

        @Override
        public Integer call() {
            parent.definitions().task(task);
            if (parent.client().stopRunning(task, Duration.ofMinutes(3)).isEmpty()) {
                parent.out.println(task + " is not running");
            }
            return 0;
        }
    }

    @Command(name = "undeploy", description = "Undeploy the streams (their apps' processes end).")
    static final class Undeploy implements Callable<Integer> {

        @ParentCommand
        DataFlowCommand parent;

        @Override
        public Integer call() {
            PipelineClient client = parent.client();
            for (Definitions.Stream s : parent.definitions().streams()) {
                if (client.stream(s.name()).isPresent()) {
                    client.undeploy(s.name());
                }
            }
            return 0;
        }
    }

    @Command(name = "destroy", description = "Remove the streams, tasks and app registrations of the definitions from the server.")
    static final class Destroy implements Callable<Integer> {

        @ParentCommand
        DataFlowCommand parent;

        @Override
        public Integer call() {
            parent.client().destroy(parent.definitions());
            return 0;
        }
    }
}
