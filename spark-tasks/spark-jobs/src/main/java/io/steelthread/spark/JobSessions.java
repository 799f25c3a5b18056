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
}
