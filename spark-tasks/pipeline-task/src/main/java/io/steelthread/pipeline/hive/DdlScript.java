package io.steelthread.pipeline.hive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * One table's {@code ddl/<table>.sql}, rendered: {@code ${database}} and {@code ${location}} come from the task's
 * settings and are checked (an identifier, a URI without quotes), so nothing from data reaches the SQL.
 */
public final class DdlScript {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern COLUMN = Pattern.compile("^\\s*`?([A-Za-z_][A-Za-z0-9_-]*)`?\\s+[A-Za-z]");

    private final String table;
    private final String sql;

    private DdlScript(String table, String sql) {
        this.table = table;
        this.sql = sql;
    }

    public static DdlScript load(ResourceLoader loader, String location, String table, String database,
            String tableLocation) {
        if (!IDENTIFIER.matcher(table).matches() || !IDENTIFIER.matcher(database).matches()) {
            throw new IllegalArgumentException("table and database must be identifiers: " + database + "." + table);
        }
        if (tableLocation.contains("'") || tableLocation.contains("\\") || tableLocation.contains("\n")) {
            throw new IllegalArgumentException("table location must not contain quotes, backslashes or newlines: "
                    + tableLocation);
        }
        Resource script = loader.getResource((location.endsWith("/") ? location : location + "/") + table + ".sql");
        try {
            String template = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String rendered = template;
            for (Map.Entry<String, String> v : Map.of("database", database, "location", tableLocation).entrySet()) {
                rendered = rendered.replace("${" + v.getKey() + "}", v.getValue());
            }
            return new DdlScript(table, stripComments(rendered));
        }
        catch (IOException e) {
            throw new UncheckedIOException("no DDL for table " + table + " at " + script.getDescription(), e);
        }
    }

    /** A database or table name checked to be a plain identifier (it is put into SQL as it is). */
    public static String identifier(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not an identifier: " + name);
        }
        return name;
    }

    public String table() {
        return table;
    }

    public String sql() {
        return sql;
    }

    /** The declared columns, data and partition columns, lower case, in order. */
    public List<String> columns() {
        List<String> columns = new ArrayList<>();
        int create = sql.toUpperCase(Locale.ROOT).indexOf("CREATE");
        columns.addAll(names(parenthesised(sql, sql.indexOf('(', create))));
        int partitioned = sql.toUpperCase(Locale.ROOT).indexOf("PARTITIONED BY");
        if (partitioned >= 0) {
            columns.addAll(names(parenthesised(sql, sql.indexOf('(', partitioned))));
        }
        return columns;
    }

    /** The text inside the parentheses opening at {@code open}. */
    private static String parenthesised(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            }
            else if (c == ')' && --depth == 0) {
                return text.substring(open + 1, i);
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses in the DDL");
    }

    /** Column definitions split at top-level commas (not those inside MAP<…> or DECIMAL(…)); the names. */
    private static List<String> names(String definitions) {
        List<String> names = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= definitions.length(); i++) {
            char c = i == definitions.length() ? ',' : definitions.charAt(i);
            if (c == '<' || c == '(') {
                depth++;
            }
            else if (c == '>' || c == ')') {
                depth--;
            }
            else if (c == ',' && depth == 0) {
                Matcher m = COLUMN.matcher(definitions.substring(start, i));
                if (m.find()) {
                    names.add(m.group(1).toLowerCase(Locale.ROOT));
                }
                start = i + 1;
            }
        }
        return names;
    }

    private static String stripComments(String sql) {
        StringBuilder out = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.trim().startsWith("--")) {
                out.append(line).append('\n');
            }
        }
        return out.toString().trim();
    }
}
