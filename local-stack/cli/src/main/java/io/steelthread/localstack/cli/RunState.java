package io.steelthread.localstack.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code up} started, one file per server under {@code <home>/run}, so that {@code status} and {@code down}
 * in another invocation find the processes by pid.
 */
final class RunState {

    private final Path dir;

    RunState(Path home) {
        this.dir = home.resolve("run");
    }

    record Entry(String name, long pid, String address, Path log) {

        boolean isAlive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    void record(Entry entry) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(entry.name() + ".pid"),
                    entry.pid() + "\n" + entry.address() + "\n" + entry.log() + "\n");
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<Entry> find(String name) {
        Path file = dir.resolve(name + ".pid");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(file);
            return Optional.of(new Entry(name, Long.parseLong(lines.get(0).trim()), lines.get(1), Path.of(lines.get(2))));
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    List<Entry> all(List<String> order) {
        List<Entry> entries = new ArrayList<>();
        order.forEach(name -> find(name).ifPresent(entries::add));
        return entries;
    }

    void forget(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name + ".pid"));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
