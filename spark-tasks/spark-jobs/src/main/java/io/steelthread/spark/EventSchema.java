package io.steelthread.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The explicit read schema of the {@code events} topic, derived from the event-schema module's
 * {@code enriched-event.schema.json}: the processor and the Spark jobs share one definition of the fields.
 */
public final class EventSchema {

    public static final String RESOURCE = "io/steelthread/schema/enriched-event.schema.json";

    private EventSchema() {
    }

    public static StructType enrichedEvent() {
        try (InputStream in = EventSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + RESOURCE + " on the classpath");
            }
            return fromJsonSchema(new ObjectMapper().readTree(in));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fields in the order the schema lists them; a date-time string becomes a timestamp. */
    static StructType fromJsonSchema(JsonNode schema) {
        List<StructField> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> p : (Iterable<Map.Entry<String, JsonNode>>) schema.path("properties")::fields) {
            fields.add(DataTypes.createStructField(p.getKey(), type(p.getKey(), p.getValue()), true));
        }
        return DataTypes.createStructType(fields);
    }

    private static DataType type(String name, JsonNode property) {
        String type = property.path("type").asText();
        return switch (type) {
            case "string" -> "date-time".equals(property.path("format").asText()) ? DataTypes.TimestampType
                    : DataTypes.StringType;
            case "integer" -> DataTypes.IntegerType;
            case "number" -> DataTypes.DoubleType;
            case "boolean" -> DataTypes.BooleanType;
            case "object" -> DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType);
            default -> throw new IllegalArgumentException("field " + name + ": unsupported JSON Schema type '" + type + "'");
        };
    }
}
