package io.steelthread.dataflow.session;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The seed's own command-line tools ({@code ab}, {@code kcat}), used when a user has them; every step that uses
 * one has a built-in equivalent, so nothing depends on them.
 */
public final class Tools {

    private Tools() {
    }

    /** The first executable named {@code name} on {@code PATH}. */
    public static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
