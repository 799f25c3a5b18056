package io.steelthread.source.event;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the event the seed's API logged: {@code event_type}, the request headers under their own names, plus
 * {@code event_id}, {@code event_ts} (server time, UTC, ISO-8601) and the client's {@code attributes}.
 */
public class GameEventFactory {

    public static final String EVENT_TYPE = "event_type";
    public static final String EVENT_ID = "event_id";
    public static final String EVENT_TS = "event_ts";
    public static final String ATTRIBUTES = "attributes";
    public static final String HOST = "Host";

    private final ObjectMapper mapper;
    private final Clock clock;

    public GameEventFactory(ObjectMapper mapper, Clock clock) {
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * @param type       the event type, validated here
     * @param headers    the loggable request headers
     * @param attributes a JSON object of the client's attributes, or null
     */
    public GameEvent create(String type, Map<String, String> headers, JsonNode attributes) {
        EventTypes.requireValid(type);
        if (attributes != null && !attributes.isNull() && !attributes.isObject()) {
            throw new InvalidEventException("attributes must be a JSON object, not " + attributes.getNodeType()
                    .toString().toLowerCase());
        }
        String id = UUID.randomUUID().toString();
        ObjectNode event = mapper.createObjectNode();
        event.put(EVENT_TYPE, type);
        event.put(EVENT_ID, id);
        event.put(EVENT_TS, DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        headers.forEach(event::put);
        if (attributes != null && attributes.isObject() && !attributes.isEmpty()) {
            event.set(ATTRIBUTES, attributes);
        }
        String host = headers.getOrDefault(HOST, "");
        try {
            return new GameEvent(id, type, host.getBytes(StandardCharsets.UTF_8), mapper.writeValueAsBytes(event));
        }
        catch (JsonProcessingException e) {
            throw new InvalidEventException("cannot serialise the event: " + e.getOriginalMessage());
        }
    }

    /**
     * An event of a batch: a JSON object with its own {@code event_type}; every other field is an attribute.
     */
    public GameEvent fromBatchItem(JsonNode item, Map<String, String> headers) {
        if (!item.isObject()) {
            throw new InvalidEventException("each event must be a JSON object, not " + item.getNodeType().toString()
                    .toLowerCase());
        }
        // The item was parsed for this request alone: it is taken apart in place rather than copied.
        ObjectNode attributes = (ObjectNode) item;
        JsonNode type = attributes.remove(EVENT_TYPE);
        JsonNode nested = attributes.remove(ATTRIBUTES);
        if (nested != null && nested.isObject()) {
            attributes.setAll((ObjectNode) nested);
        }
        return create(type != null && type.isTextual() ? type.asText() : null, headers, attributes);
    }
}
