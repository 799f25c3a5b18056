package io.steelthread.source.event;

import java.util.regex.Pattern;

/** Event type names: they become Kafka keys of schemas, table partitions and file names downstream. */
public final class EventTypes {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private EventTypes() {
    }

    public static String requireValid(Object type) {
        if (!(type instanceof String name)) {
            throw new InvalidEventException("event_type is missing or not a string");
        }
        if (!NAME.matcher(name).matches()) {
            throw new InvalidEventException("event_type '" + abbreviate(name)
                    + "' is not a valid name: it must match [a-z][a-z0-9_]{0,63}");
        }
        return name;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
