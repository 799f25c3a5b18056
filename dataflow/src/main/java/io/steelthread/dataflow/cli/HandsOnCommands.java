package io.steelthread.dataflow.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.steelthread.dataflow.client.PipelineClient;
import io.steelthread.dataflow.model.Definitions;
import io.steelthread.dataflow.session.TopicTail;
import io.steelthread.localstack.ChildProcess;
import io.steelthread.localstack.cli.LocalStack;
import io.steelthread.localstack.cli.StackSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.springframework.cloud.dataflow.rest.resource.TaskExecutionResource;

/**
 * The seed's hands-on tools on the local stack (or the external servers it points at): its Presto shell, its
 * topic tail, its {@code hadoop fs -ls}, and the logs {@code status} points to.
 */
final class HandsOnCommands {

    private HandsOnCommands() {
    }

    @Command(name = "presto", mixinStandardHelpOptions = true,
            description = "The stock Presto CLI (presto-cli of the stack's Presto version) on the stack's Presto with "
                    + "the seed's --catalog hive --schema default: interactive in a terminal, or one statement "
                    + "(--execute) or file (--file) and exit with its status.")
    static final class Presto implements Callable<Integer> {

        @Option(names = "--execute", description = "Run one statement (e.g. \"select * from purchases\") and exit.")
        String execute;

        @Option(names = "--file", description = "Run the statements of a file and exit.")
        Path file;

        @Override
        public Integer call() throws Exception {
            StackSettings s = StackSettings.load();
            Path cli = s.runtime("presto-runtime/target/presto-cli.jar");
            if (!Files.exists(cli)) {
                System.err.println("steelthread: " + cli + " is missing (build it with ./mvnw package -DskipTests)");
                return 1;
            }
            List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(), "-jar", cli.toString(),
                    "--server", s.addressOf("presto", "http://127.0.0.1:" + s.port("presto")), "--catalog", "hive",
                    "--schema", "default", "--user", System.getProperty("user.name", "steelthread")));
            if (execute != null) {
                command.addAll(List.of("--execute", execute));
            }
            if (file != null) {
                command.addAll(List.of("--file", file.toAbsolutePath().toString()));
            }
            if (execute == null && file == null) {
                return new ProcessBuilder(command).inheritIO().start().waitFor();
            }
            return run(command);
        }
    }

    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = "Follow a topic as the seed's kafkacat -C -t events did: one event per line, read committed; "
                    + "the DLQ's dlq_reason header beside each record. kcat when installed, a built-in consumer "
                    + "otherwise.")
    static final class Tail implements Callable<Integer> {

        @Parameters(index = "0", description = "The topic (events, events.raw, events.dlq).")
        String topic;

        @Option(names = "--from-beginning", description = "From the topic's first record (kafkacat -o beginning); "
                + "default: only records written from now on.")
        boolean fromBeginning;

        @Option(names = "--count", defaultValue = "0", description = "Stop after this many records (default: follow "
                + "until Ctrl-C).")
        int count;

        @Option(names = "--builtin", description = "Use the built-in consumer even when kcat is installed.")
        boolean builtin;

        @Override
        public Integer call() throws Exception {
            StackSettings s = StackSettings.load();
            TopicTail.follow(s.kafkaBootstrap(), topic, fromBeginning, count, builtin, System.out);
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true,
            description = "A table's files as the seed's hadoop fs -ls showed them (permissions, owner, size, time, "
                    + "path): the ones readers see, in the locations the metastore gives its partitions; read through "
                    + "Hadoop's FileSystem API: file://, hdfs:// and s3a:// warehouses alike.")
    static final class Ls implements Callable<Integer> {

        @Parameters(index = "0", description = "The table (purchases, sword_purchases).")
        String table;

        @Option(names = "--all", description = "Also the files readers skip (_committed, _staging, _compacted, .crc).")
        boolean all;

        @Override
        public Integer call() throws Exception {
            StackSettings s = StackSettings.load();
            Path jobs = s.appJar("spark-tasks/spark-jobs");
            List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(), "-cp",
                    jobs + java.io.File.pathSeparator + s.sparkHome().resolve("jars") + "/*",
                    "io.steelthread.spark.ListFiles", s.warehouse() + "/" + table));
            if (all) {
                command.add("--all");
            }
            else {
                // What readers see: the locations the metastore gives its partitions (a full extract's version, a
                // compaction's directory), not whatever lies in the table directory.
                command.addAll(List.of("--metastore-uri", s.metastoreUri(), "--hive-table", "default." + table));
            }
            return run(command);
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "The log status points to: a server of the stack (kafka, metastore, presto, dataflow, ...), "
                    + "a stream app (game-api, event-processor) or a task's last execution.")
    static final class Logs implements Callable<Integer> {

        @Parameters(index = "0", description = "A server, a stream app or a task.")
        String name;

        @Option(names = {"-f", "--follow"}, description = "Keep printing what is appended (Ctrl-C ends).")
        boolean follow;

        @Option(names = "--lines", defaultValue = "100", description = "How many lines of the end (default ${DEFAULT-VALUE}).")
        int lines;

        @Override
        public Integer call() throws Exception {
            StackSettings s = StackSettings.load();
            PrintStream out = System.out;
            if (LocalStack.SERVERS.contains(name)) {
                Path log = new LocalStack(s, out).logFile(name).orElse(null);
                if (log == null || !Files.exists(log)) {
                    System.err.println("steelthread: no log of " + name + " at " + log + " (has it run?)");
                    return 1;
                }
                return printFile(log, out);
            }
            PipelineClient client = new PipelineClient(StackDefinitions.server(s), out);
            Definitions d = StackDefinitions.load(s, null);
            for (Definitions.Stream stream : d.streams()) {
                for (PipelineClient.AppInstance i : client.instances(stream.name())) {
                    // Skipper versions its deployments: game-events.game-api-v1, -v2, ...
                    if (i.deploymentId().matches(java.util.regex.Pattern.quote(stream.name() + "." + name) + "(-v\\d+)?")
                            && i.log() != null) {
                        return printFile(Path.of(i.log()), out);
                    }
                }
            }
            d.task(name);
            Optional<TaskExecutionResource> last = client.last(name);
            if (last.isEmpty()) {
                out.println(name + " has not run yet");
                return 1;
            }
            String log = client.log(last.get());
            out.println(PipelineClient.tail(log, lines));
            long execution = last.get().getExecutionId();
            int printed = log.length();
            while (follow && client.execution(execution).getEndTime() == null) {
                Thread.sleep(1000);
                log = client.log(client.execution(execution));
                if (log.length() > printed) {
                    out.print(log.substring(printed));
                    out.flush();
                    printed = log.length();
                }
            }
            return 0;
        }

        private int printFile(Path log, PrintStream out) throws IOException, InterruptedException {
            out.println("==> " + log);
            out.println(PipelineClient.tail(Files.readString(log, StandardCharsets.ISO_8859_1), lines));
            if (!follow) {
                return 0;
            }
            try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                long position = file.length();
                byte[] buffer = new byte[8192];
                while (!Thread.currentThread().isInterrupted()) {
                    if (file.length() > position) {
                        file.seek(position);
                        int n;
                        while ((n = file.read(buffer)) > 0) {
                            out.write(buffer, 0, n);
                            position += n;
                        }
                        out.flush();
                    }
                    Thread.sleep(500);
                }
            }
            return 0;
        }
    }

    /** Runs a tool, its output passed on to this command's (so a caller capturing it sees it), its exit code returned. */
    static int run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream in = process.getInputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                System.out.write(buffer, 0, n);
            }
            System.out.flush();
        }
        return process.waitFor();
    }
}
