package io.steelthread.source.kafka;

/** Kafka did not acknowledge an event; the client is told 503 and may retry. */
public class KafkaUnavailableException extends RuntimeException {

    /** Why an event failed when the request stopped waiting for its acknowledgement. */
    public static final String ACK_TIMEOUT = "no acknowledgement from Kafka within the ack timeout";

    public KafkaUnavailableException(String message) {
        super(message);
    }

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The reason a client reads: the root cause's message, which names what Kafka said. */
    public static String reasonOf(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.util.concurrent.TimeoutException && root.getMessage() == null) {
            return ACK_TIMEOUT;
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
