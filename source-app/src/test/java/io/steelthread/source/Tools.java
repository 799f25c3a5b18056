package io.steelthread.source;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Stock tools (the seed's ab and kcat) that compatibility tests drive when they are installed. */
final class Tools {

    private Tools() {
    }

    static boolean installed(String name) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, name)));
    }
}
