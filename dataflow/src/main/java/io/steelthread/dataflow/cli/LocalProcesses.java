package io.steelthread.dataflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The processes a local deployer (Skipper's, Data Flow's) started for an app, found by the working directory it
 * reports for the app: the deployers report no pid, and {@code down} must see those JVMs end.
 */
final class LocalProcesses {

    private LocalProcesses() {
    }

    /** The process running in {@code workingDir} on this machine (Linux /proc), if any. */
    static Optional<ProcessHandle> in(String workingDir) {
        if (workingDir == null || !Files.isDirectory(Path.of("/proc"))) {
            return Optional.empty();
        }
        Path dir = Path.of(workingDir).toAbsolutePath().normalize();
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc", String.valueOf(p.pid()), "cwd")).equals(dir);
            }
            catch (IOException | UnsupportedOperationException | SecurityException e) {
                return false;
            }
        }).findFirst();
    }

    /** Waits for the processes to end; kills what is left after {@code timeout}. */
    static void awaitEnd(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(300);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
