package io.steelthread.localstack;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a starting server to pass a real check (a query, a request), failing fast if its process dies. */
final class Readiness {

    private Readiness() {
    }

    /**
     * Polls {@code check} until it returns true; throws {@link ServerStartException} with the end of the server's
     * log when the process exits or {@code timeout} passes (the process is then stopped).
     */
    static void await(ChildProcess jvm, String what, Duration timeout, Callable<Boolean> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastError = "no answer";
        while (System.nanoTime() < deadline) {
            if (!jvm.isAlive()) {
                throw new ServerStartException(jvm.name(), "exited during start", jvm.tail(40));
            }
            try {
                if (Boolean.TRUE.equals(check.call())) {
                    return;
                }
            }
            catch (Exception e) {
                lastError = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            }
            try {
                Thread.sleep(300);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + jvm.name(), e);
            }
        }
        String tail = jvm.tail(40);
        jvm.stop(Duration.ofSeconds(10));
        throw new ServerStartException(jvm.name(), "not ready (" + what + ") within " + timeout.toSeconds() + " s: "
                + lastError, tail);
    }
}
