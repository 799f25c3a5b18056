package io.steelthread.dataflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Data Flow's dashboard rendered by headless Chromium (Debian's package), when the machine has it. */
final class Dashboard {

    private final Path chromium;
    private final Path shots;

    private Dashboard(Path chromium, Path shots) {
        this.chromium = chromium;
        this.shots = shots;
    }

    static Optional<Dashboard> find(Path shots) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "chromium")).filter(Files::isExecutable).findFirst()
                .map(c -> new Dashboard(c, shots));
    }

    /** The page's DOM after the app rendered it; a screenshot of it is kept as {@code <name>.png}. */
    String render(String url, String name) throws Exception {
        Files.createDirectories(shots);
        List<String> common = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--window-size=1400,900", "--virtual-time-budget=15000");
        List<String> shot = new ArrayList<>(common);
        shot.addAll(List.of("--screenshot=" + shots.resolve(name + ".png"), url));
        run(shot);
        List<String> dom = new ArrayList<>(common);
        dom.addAll(List.of("--dump-dom", url));
        return run(dom);
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
