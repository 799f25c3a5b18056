package io.steelthread.localstack;

/** A server did not come up; the message names it and carries the end of its log. */
public class ServerStartException extends RuntimeException {

    private final String server;

    public ServerStartException(String server, String reason, String logTail) {
        super(server + " " + reason + (logTail == null || logTail.isBlank() ? ""
                : System.lineSeparator() + "--- last lines of its log ---" + System.lineSeparator() + logTail));
        this.server = server;
    }

    public String server() {
        return server;
    }
}
