package io.steelthread.dataflow.session;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The seed's {@code presto --server presto:8080 --catalog hive --schema default} session, over presto-jdbc. */
final class PrestoShell {

    private static final int MAX_WIDTH = 36;
    /**
     * A table's data files, relative to the table, as {@code hadoop fs -ls} showed them (a compacted partition's
     * under {@code _compacted/}).
     */
    static String filesOf(String table) {
        return "select regexp_extract(\"$path\", '/" + table + "/(.+)$', 1) as file, count(*) as rows from "
                + table + " group by 1 order by 1";
    }

    private final String jdbcUrl;
    private final PrintStream out;

    PrestoShell(String jdbcUrl, PrintStream out) {
        this.jdbcUrl = jdbcUrl;
        this.out = out;
    }

    /** Runs a query and prints it as the Presto CLI does; returns the number of rows. */
    int query(String sql) throws SQLException {
        return query(sql, MAX_WIDTH);
    }

    /** The same, cutting cells at {@code maxWidth} characters. */
    int query(String sql, int maxWidth) throws SQLException {
        out.println();
        out.println("presto:default> " + sql + ";");
        try (Connection c = DriverManager.getConnection(jdbcUrl, "steelthread", null);
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            List<String[]> rows = new ArrayList<>();
            String[] header = new String[n];
            int[] width = new int[n];
            for (int i = 0; i < n; i++) {
                header[i] = meta.getColumnLabel(i + 1);
                width[i] = Math.min(maxWidth, header[i].length());
            }
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = String.valueOf(rs.getString(i + 1));
                    width[i] = Math.min(maxWidth, Math.max(width[i], row[i].length()));
                }
                rows.add(row);
            }
            out.println(line(header, width));
            StringBuilder rule = new StringBuilder();
            for (int i = 0; i < n; i++) {
                rule.append(i == 0 ? "" : "+").append("-".repeat(width[i] + 2));
            }
            out.println(rule);
            rows.forEach(r -> out.println(line(r, width)));
            out.println("(" + rows.size() + " row" + (rows.size() == 1 ? "" : "s") + ")");
            return rows.size();
        }
    }

    /** The first column of the first row as a number ({@code select count(*) …}). */
    long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "steelthread", null);
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i].length() > width[i] ? cells[i].substring(0, width[i] - 1) + "…" : cells[i];
            b.append(i == 0 ? " " : " | ").append(cell).append(" ".repeat(width[i] - cell.length()));
        }
        return b.toString();
    }
}
