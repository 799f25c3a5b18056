package io.steelthread.spark;

import org.apache.spark.sql.SparkSession;

/** The Spark session every job starts from: settings the tables' contents depend on, whatever the cluster's defaults. */
final class JobSessions {

    /**
     * Timestamps are read and written in UTC: a cluster whose {@code spark-defaults.conf} sets another session time
     * zone (or none, leaving the JVM's) would otherwise shift the values of {@code timestamp} strings without an
     * offset and of the partition hour derived from them.
     */
    static final String TIME_ZONE = "UTC";

    private JobSessions() {
    }

    static SparkSession.Builder builder(String appName) {
        return SparkSession.builder().appName(appName).config("spark.sql.session.timeZone", TIME_ZONE);
    }

    /** As {@link #builder(String)}, with the Hive catalog of {@code metastoreUri} (thrift://…) when one is given. */
    static SparkSession.Builder builder(String appName, String metastoreUri) {
        SparkSession.Builder builder = builder(appName);
        if (metastoreUri != null && !metastoreUri.isBlank()) {
            builder.config("spark.sql.catalogImplementation", "hive").config("spark.hadoop.hive.metastore.uris", metastoreUri);
        }
        return builder;
    }
}
