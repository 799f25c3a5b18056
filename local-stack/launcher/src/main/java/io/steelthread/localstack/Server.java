package io.steelthread.localstack;

import java.nio.file.Path;

/** A server of the local stack, run as a child process and checked with a real client before it counts as up. */
public interface Server {

    String name();

    /** Starts the server and returns once it answers a real request; throws {@link ServerStartException}. */
    Server start();

    /** Where clients reach it (a URL, host:port). */
    String address();

    Path logFile();

    /** Lets the process outlive this JVM; returns its pid. */
    long detach();

    void stop();
}
