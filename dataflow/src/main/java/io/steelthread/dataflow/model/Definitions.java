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
import org.springframework.cloud.dataflow.core.dsl.LabelledTaskNode;
import org.springframework.cloud.dataflow.core.dsl.StreamParser;
import org.springframework.cloud.dataflow.core.dsl.TaskAppNode;
import org.springframework.cloud.dataflow.core.dsl.TaskNode;
import org.springframework.cloud.dataflow.core.dsl.TaskParser;
import org.springframework.cloud.dataflow.core.dsl.TransitionNode;

/**
 * What {@code dataflow/definitions/} declares, with the {@code ${…}} placeholders of {@code pipeline.properties}
 * filled: the app registrations, the streams with their deploy properties, the tasks with the arguments every
 * launch needs, and the deployer properties of task launches.
 */
public record Definitions(List<App> apps, List<Stream> streams, List<Task> tasks, Map<String, String> taskDeployer,
        List<Schedule> schedules) {

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
    public record Task(String name, String dsl, String declared, String file, List<FlowChild> children) {

        public String fingerprint() {
            return Definitions.fingerprint(dsl);
        }

        /** A flow (composed task: {@code a: app && b: app}), run by the flow runner. */
        public boolean isFlow() {
            return !children.isEmpty();
        }
    }

    /**
     * A child of a flow: Data Flow names its definition {@code <flow>-<label>}, and launch properties address it as
     * {@code app.<flow>.<label>.…} / {@code deployer.<flow>.<label>.…}.
     */
    public record FlowChild(String label, String app) {
    }

    /**
     * A schedule of schedules.properties, as Data Flow's schedules API takes it: {@code cron} in five fields (minute
     * hour day-of-month month day-of-week, UTC unless {@code scheduler.time-zone} is given where the platform takes
     * it), {@code misfire} (run-once or skip; the local scheduler's) empty for the platform's default.
     */
    public record Schedule(String name, String task, String cron, List<String> arguments, String misfire, String file) {

        /** The {@code properties} of {@code POST /tasks/schedules}. */
        public Map<String, String> properties() {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("scheduler.cron.expression", cron);
            if (!misfire.isEmpty()) {
                properties.put("scheduler.misfire", misfire);
            }
            return properties;
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");
    private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9_.\\-]+");

    /**
     * Reads the files of {@code dir}: {@code apps.properties}, {@code streams.dsl}, {@code tasks.dsl},
     * {@code pipeline.properties} and, if present, {@code schedules.properties}.
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
            TaskNode graph;
            try {
                graph = new TaskParser(name, text, true, true).parse();
            }
            catch (RuntimeException e) {
                throw new DefinitionException("tasks.dsl", name, e.getMessage());
            }
            if (!graph.isComposed()) {
                tasks.add(new Task(name, withArguments(text, taskArgs), text, "tasks.dsl", List.of()));
                return;
            }
            // Every child of a flow gets the pipeline's settings, each after its own app and arguments.
            List<TaskAppNode> nodes = new ArrayList<>();
            graph.getSequences().forEach(sequence -> appNodes(sequence, nodes));
            nodes.sort(java.util.Comparator.comparingInt((TaskAppNode n) -> ownEnd(text, n)).reversed());
            StringBuilder definition = new StringBuilder(text);
            for (TaskAppNode node : nodes) {
                int end = ownEnd(text, node);
                String own = text.substring(node.getStartPos(), end);
                definition.insert(end, withArguments(own, taskArgs).substring(own.length()));
            }
            List<FlowChild> children = graph.getTaskApps().stream()
                    .map(app -> new FlowChild(app.getLabel() == null ? app.getName() : app.getLabel(), app.getName()))
                    .toList();
            tasks.add(new Task(name, definition.toString(), text, "tasks.dsl", children));
        });
        Map<String, String> taskDeployer = new LinkedHashMap<>();
        deployer.forEach((k, v) -> {
            if (apps.stream().anyMatch(a -> a.type().equals("task") && k.startsWith("deployer." + a.name() + "."))) {
                taskDeployer.put(k, v);
            }
        });
        List<Schedule> schedules = schedules(dir.resolve("schedules.properties"), tasks);
        return new Definitions(apps, streams, tasks, taskDeployer, schedules);
    }

    private static String withArguments(String text, Map<String, String> arguments) {
        StringBuilder definition = new StringBuilder(text);
        arguments.forEach((k, v) -> {
            if (!text.contains("--" + k + "=")) {
                definition.append(" --").append(k).append('=').append(quote(v));
            }
        });
        return definition.toString();
    }

    /** Where a child's app name and arguments end (its transitions, if any, follow). */
    private static int ownEnd(String text, TaskAppNode node) {
        if (node.hasArguments()) {
            return node.getArguments()[node.getArguments().length - 1].getEndPos();
        }
        // The node starts at its app's name (a label comes before it).
        return text.indexOf(node.getName(), node.getStartPos()) + node.getName().length();
    }

    private static void appNodes(LabelledTaskNode node, List<TaskAppNode> into) {
        if (node instanceof TaskAppNode app) {
            into.add(app);
            app.getTransitions().stream().filter(TransitionNode::isTargetApp).map(TransitionNode::getTargetApp)
                    .forEach(into::add);
            return;
        }
        node.getSeries().forEach(element -> appNodes(element, into));
    }

    /** {@code <schedule>.task}, {@code .cron}, {@code .arguments}, {@code .misfire}; no file, no schedules. */
    static List<Schedule> schedules(Path file, List<Task> tasks) {
        if (!Files.exists(file)) {
            return List.of();
        }
        Properties p = properties(file);
        Map<String, Map<String, String>> byName = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            int dot = key.lastIndexOf('.');
            String field = dot < 1 ? "" : key.substring(dot + 1);
            if (!List.of("task", "cron", "arguments", "misfire").contains(field)) {
                throw new DefinitionException("schedules.properties", key,
                        "expected <schedule>.task, .cron, .arguments or .misfire");
            }
            byName.computeIfAbsent(key.substring(0, dot), n -> new TreeMap<>()).put(field, p.getProperty(key).trim());
        }
        List<Schedule> schedules = new ArrayList<>();
        byName.forEach((name, fields) -> {
            String task = fields.getOrDefault("task", "");
            if (tasks.stream().noneMatch(t -> t.name().equals(task))) {
                throw new DefinitionException("schedules.properties", name + ".task", "'" + task
                        + "' is not a task of tasks.dsl; tasks: " + tasks.stream().map(Task::name).toList());
            }
            String cron = fields.getOrDefault("cron", "");
            if (cron.split("\\s+").length != 5) {
                throw new DefinitionException("schedules.properties", name + ".cron", "'" + cron
                        + "' is not five cron fields (minute hour day-of-month month day-of-week), e.g. 5 * * * *");
            }
            String misfire = fields.getOrDefault("misfire", "");
            if (!List.of("", "run-once", "skip").contains(misfire)) {
                throw new DefinitionException("schedules.properties", name + ".misfire", "run-once or skip, not '"
                        + misfire + "'");
            }
            String arguments = fields.getOrDefault("arguments", "");
            schedules.add(new Schedule(name, task, cron, arguments.isEmpty() ? List.of()
                    : List.of(arguments.split("\\s+")), misfire, "schedules.properties"));
        });
        return schedules;
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
