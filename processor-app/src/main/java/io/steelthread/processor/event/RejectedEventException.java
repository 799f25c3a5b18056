package io.steelthread.processor.event;

/**
 * An event that goes to the dead-letter topic; the message is the reason recorded with it, the kind a short,
 * fixed name of the rule it broke (a metric label: the message holds the event's own values).
 */
public class RejectedEventException extends RuntimeException {

    public static final String MALFORMED_JSON = "malformed_json";
    public static final String NOT_AN_OBJECT = "not_an_object";
    public static final String UNKNOWN_EVENT_TYPE = "unknown_event_type";
    public static final String SCHEMA_MISMATCH = "schema_mismatch";
    public static final String BAD_EVENT_TS = "bad_event_ts";

    private final String kind;

    public RejectedEventException(String kind, String reason) {
        super(reason, null, false, false);
        this.kind = kind;
    }

    public String kind() {
        return kind;
    }
}
