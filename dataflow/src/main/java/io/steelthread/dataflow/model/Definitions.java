package io.steelthread.dataflow.model;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.cloud.dataflow.core.dsl.AppNode;
import org.springframework.cloud.dataflow.core.dsl.StreamParser;

/**
 * What {@code dataflow/definitions/} declares, with the {@code ${…}} placeholders of {@code pipeline.properties}
 * filled: the app registrations, the streams with their deploy properties, the tasks with the arguments every
 * launch needs, and the deployer properties of task launches.
 */
public record Definitions(List<App> apps, List<Stream> streams, List<Task> tasks, Map<String, String> taskDeployer) {

    /** {@code type} is Data Flow's app type (source, processor, sink, task); {@code file} where it was declared. */
    public record App(String type, String name, String uri, String file) {
    }

    /** A stream: its DSL, the properties its deployment gets, and a fingerprint of both (what apply compares). */
    public record Stream(String name, String dsl, Map<String, String> deployProperties, String file) {

        public String fingerprint() {
            return Definitions.fingerprint(dsl + "\n" + new TreeMap<>(deployProperties));
        }
    }

    /**
     * A task definition as Data Flow stores it ({@code dsl}: the app and its arguments, the pipeline's settings
     * appended), and as tasks.dsl declares it ({@code declared}).
     */
    public record Task(String name, String dsl, String declared, String file) {

        public String fingerprint() {
            return Definitions.fingerprint(dsl);
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");
    private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9_.\\-]+");

    /**
     * Reads the four files of {@code dir}: {@code apps.properties}, {@code streams.dsl}, {@code tasks.dsl},
     * {@code pipeline.properties}.
     *
     * @param settings values of the placeholders
     * @param moduleUri the URI of the jar a module directory of this project built
     */
    public static Definitions load(Path dir, Function<String, String> settings, Function<String, String> moduleUri) {
        List<App> apps = new ArrayList<>();
        Properties registrations = properties(dir.resolve("apps.properties"));
        for (String key : new java.util.TreeSet<>(registrations.stringPropertyNames())) {
            int dot = key.indexOf('.');
            if (dot < 1) {
                throw new DefinitionException("apps.properties", key, "expected <type>.<name>=<module or URI>");
            }
            String value = registrations.getProperty(key).trim();
            String uri = value.contains(":") ? value : moduleUri.apply(value);
            apps.add(new App(key.substring(0, dot), key.substring(dot + 1), uri, "apps.properties"));
        }

        Properties pipeline = properties(dir.resolve("pipeline.properties"));
        Map<String, String> streamAll = new TreeMap<>();
        Map<String, Map<String, String>> streamApp = new TreeMap<>();
        Map<String, String> taskArgs = new TreeMap<>();
        Map<String, String> deployer = new TreeMap<>();
        for (String key : pipeline.stringPropertyNames()) {
            String value = fill(pipeline.getProperty(key).trim(), settings, key);
            if (key.startsWith("task.")) {
                taskArgs.put(key.substring("task.".length()), value);
            }
            else if (key.startsWith("deployer.")) {
                deployer.put(key, value);
            }
            else if (key.startsWith("stream.")) {
                String rest = key.substring("stream.".length());
                String app = rest.substring(0, Math.max(0, rest.indexOf('.')));
                if (apps.stream().anyMatch(a -> !a.type().equals("task") && a.name().equals(app))) {
                    streamApp.computeIfAbsent(app, a -> new TreeMap<>()).put(rest.substring(app.length() + 1), value);
                }
                else {
                    streamAll.put(rest, value);
                }
            }
            else {
                throw new DefinitionException("pipeline.properties", key, "keys start with stream., task. or deployer.");
            }
        }

        List<Stream> streams = new ArrayList<>();
        dsl(dir.resolve("streams.dsl")).forEach((name, text) -> {
            Map<String, String> deploy = new TreeMap<>();
            List<AppNode> nodes;
            try {
                nodes = new StreamParser(name, text).parse().getAppNodes();
            }
            catch (RuntimeException e) {
                throw new DefinitionException("streams.dsl", name, e.getMessage());
            }
            for (AppNode node : nodes) {
                String label = node.getLabelName();
                streamAll.forEach((k, v) -> deploy.put("app." + label + "." + k, v));
                streamApp.getOrDefault(node.getName(), Map.of()).forEach((k, v) -> deploy.put("app." + label + "." + k, v));
                deployer.forEach((k, v) -> {
                    if (k.startsWith("deployer." + node.getName() + ".")) {
                        deploy.put("deployer." + label + k.substring(("deployer." + node.getName()).length()), v);
                    }
                });
            }
            streams.add(new Stream(name, text, deploy, "streams.dsl"));
        });

        List<Task> tasks = new ArrayList<>();
        dsl(dir.resolve("tasks.dsl")).forEach((name, text) -> {
            StringBuilder definition = new StringBuilder(text);
            taskArgs.forEach((k, v) -> {
                if (!text.contains("--" + k + "=")) {
                    definition.append(" --").append(k).append('=').append(quote(v));
                }
            });
            tasks.add(new Task(name, definition.toString(), text, "tasks.dsl"));
        });
        Map<String, String> taskDeployer = new LinkedHashMap<>();
        deployer.forEach((k, v) -> {
            if (apps.stream().anyMatch(a -> a.type().equals("task") && k.startsWith("deployer." + a.name() + "."))) {
                taskDeployer.put(k, v);
            }
        });
        return new Definitions(apps, streams, tasks, taskDeployer);
    }

    public Task task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new DefinitionException("tasks.dsl", name, "no such task; tasks: "
                        + tasks.stream().map(Task::name).toList()));
    }

    /** A value as the Data Flow DSL takes it: quoted unless it is a plain word. */
    static String quote(String value) {
        return PLAIN_VALUE.matcher(value).matches() ? value : "'" + value.replace("'", "''") + "'";
    }

    static String fill(String value, Function<String, String> settings, String key) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String filled;
            try {
                filled = settings.apply(m.group(1));
            }
            catch (IllegalArgumentException e) {
                throw new DefinitionException("pipeline.properties", key, "unknown setting ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(filled));
        }
        m.appendTail(out);
        return out.toString().trim();
    }

    /** {@code name = definition} lines; blank lines and {@code #} comments are skipped. */
    static Map<String, String> dsl(Path file) {
        Map<String, String> definitions = new LinkedHashMap<>();
        List<String> lines = read(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 1) {
                throw new DefinitionException(file.getFileName() + ":" + (i + 1), line, "expected <name> = <definition>");
            }
            String name = line.substring(0, eq).trim();
            if (definitions.put(name, line.substring(eq + 1).trim()) != null) {
                throw new DefinitionException(file.getFileName() + ":" + (i + 1), name, "defined twice");
            }
        }
        return definitions;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Properties properties(Path file) {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            p.load(reader);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return p;
    }

    static String fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
