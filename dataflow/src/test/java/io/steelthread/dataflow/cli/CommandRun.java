package io.steelthread.dataflow.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** One run of {@code ./steelthread} in the test's JVM against a stack home: its exit code and what it printed. */
record CommandRun(int exit, String out, String err) {

    /** Runs the command; what it printed is also passed on to the test's own output. */
    static CommandRun of(Path home, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int exit;
        try {
            System.setProperty("steelthread.home", home.toString());
            exit = SteelthreadCommand.run(args);
        }
        finally {
            System.setOut(out);
            System.setErr(err);
        }
        CommandRun run = new CommandRun(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        out.print(run.out());
        err.print(run.err());
        return run;
    }
}
