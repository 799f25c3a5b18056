package io.steelthread.flows.scheduler;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * Quartz's tables in Data Flow's database, created from the scripts Quartz ships the first time only (Boot's
 * initializer runs them on every start, and they drop the tables: every schedule would be lost on a restart).
 */
class QuartzSchema {

    private static final Logger log = LoggerFactory.getLogger(QuartzSchema.class);

    private final String product;

    QuartzSchema(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            product = meta.getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (!exists(meta, "QRTZ_JOB_DETAILS") && !exists(meta, "qrtz_job_details")) {
                String script = "org/quartz/impl/jdbcjobstore/tables_" + scriptSuffix() + ".sql";
                new ResourceDatabasePopulator(new ClassPathResource(script, QuartzSchema.class.getClassLoader()))
                        .populate(connection);
                log.info("Quartz tables created in {} ({})", meta.getURL(), script);
            }
        }
        catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the schedules' tables: " + e.getMessage(), e);
        }
    }

    private static boolean exists(DatabaseMetaData meta, String table) throws SQLException {
        try (ResultSet tables = meta.getTables(null, null, table, null)) {
            return tables.next();
        }
    }

    private String scriptSuffix() {
        if (product.contains("h2")) {
            return "h2";
        }
        if (product.contains("postgres")) {
            return "postgres";
        }
        if (product.contains("mysql") || product.contains("mariadb")) {
            return "mysql_innodb";
        }
        if (product.contains("microsoft")) {
            return "sqlServer";
        }
        if (product.contains("oracle")) {
            return "oracle";
        }
        throw new IllegalStateException("no Quartz table script for " + product
                + ": create the QRTZ_ tables by hand (Quartz's docs/dbTables)");
    }

    String driverDelegate() {
        if (product.contains("postgres")) {
            return "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate";
        }
        if (product.contains("microsoft")) {
            return "org.quartz.impl.jdbcjobstore.MSSQLDelegate";
        }
        if (product.contains("oracle")) {
            return "org.quartz.impl.jdbcjobstore.oracle.OracleDelegate";
        }
        return "org.quartz.impl.jdbcjobstore.StdJDBCDelegate";
    }
}
