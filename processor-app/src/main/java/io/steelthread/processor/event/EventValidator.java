package io.steelthread.processor.event;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Checks an event against the envelope schema and the schema of its type, both JSON Schema files from the
 * event-schema module.
 */
public class EventValidator {

    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private final ClassLoader classLoader = EventValidator.class.getClassLoader();
    private final String location;
    private final boolean requireTypeSchema;
    private final JsonSchema envelope;
    private final Map<String, Optional<JsonSchema>> byType = new ConcurrentHashMap<>();

    public EventValidator(String location, boolean requireTypeSchema) {
        this.location = location;
        this.requireTypeSchema = requireTypeSchema;
        this.envelope = load(location + "/event.schema.json")
                .orElseThrow(() -> new IllegalStateException("no envelope schema at classpath:" + location));
    }

    /** Throws {@link RejectedEventException} naming every violation. */
    public void validate(JsonNode event) {
        reject("event", envelope.validate(event));
        String type = event.path("event_type").asText();
        Optional<JsonSchema> typeSchema = byType.computeIfAbsent(type,
                t -> load(location + "/types/" + t + ".schema.json"));
        if (typeSchema.isPresent()) {
            reject(type, typeSchema.get().validate(event));
        }
        else if (requireTypeSchema) {
            throw new RejectedEventException(RejectedEventException.UNKNOWN_EVENT_TYPE, "no schema for event type '" + type + "'");
        }
    }

    private static void reject(String schema, Set<ValidationMessage> errors) {
        if (!errors.isEmpty()) {
            throw new RejectedEventException(RejectedEventException.SCHEMA_MISMATCH, "does not match the " + schema + " schema: "
                    + errors.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("; ")));
        }
    }

    private Optional<JsonSchema> load(String resource) {
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(factory.getSchema(in, config));
        }
        catch (IOException e) {
            throw new IllegalStateException("cannot read schema " + resource, e);
        }
    }
}
