package io.steelthread.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes the servers' configuration files. */
final class ConfigFiles {

    private ConfigFiles() {
    }

    static Path properties(Path file, Map<String, String> values) {
        List<String> lines = new ArrayList<>();
        values.forEach((k, v) -> lines.add(k + "=" + v));
        return write(file, String.join("\n", lines) + "\n");
    }

    /** A Hadoop-style {@code <configuration>} file (hive-site.xml, metastore-site.xml). */
    static Path hadoopXml(Path file, Map<String, String> values) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<configuration>\n");
        values.forEach((k, v) -> xml.append("  <property><name>").append(escape(k)).append("</name><value>")
                .append(escape(v)).append("</value></property>\n"));
        return write(file, xml.append("</configuration>\n").toString());
    }

    static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
