package io.steelthread.source.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.source.event.InvalidEventException;

/**
 * Splits a batch body into its events. A JSON array must parse as a whole (else nothing is written); in NDJSON
 * each line stands alone, so a malformed line rejects only that event.
 */
final class BatchParser {

    private BatchParser() {
    }

    /** @return per event either its {@link JsonNode} or, for an NDJSON line that does not parse, the reason */
    static List<Object> parse(byte[] body, String contentType, ObjectMapper mapper) {
        int first = firstNonBlank(body);
        if (first < 0) {
            return List.of();
        }
        boolean ndjson = contentType != null && contentType.contains("ndjson");
        if (!ndjson && body[first] == '[') {
            try {
                JsonNode array = mapper.readTree(body);
                List<Object> items = new ArrayList<>(array.size());
                array.forEach(items::add);
                return items;
            }
            catch (IOException e) {
                throw new InvalidEventException("malformed JSON: " + describe(e));
            }
        }
        if (!ndjson && body[first] != '{') {
            throw new InvalidEventException("a batch is a JSON array of event objects or NDJSON (one object per line)");
        }
        List<Object> items = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                items.add(mapper.readTree(line));
            }
            catch (IOException e) {
                items.add("malformed JSON: " + describe(e));
            }
        }
        return items;
    }

    /** The body of a single event: a JSON object of attributes. */
    static JsonNode parseObject(byte[] body, ObjectMapper mapper) {
        JsonNode node;
        try {
            node = mapper.readTree(body);
        }
        catch (IOException e) {
            throw new InvalidEventException("malformed JSON: " + describe(e));
        }
        if (node != null && !node.isObject()) {
            throw new InvalidEventException("the body must be a JSON object of attributes, not "
                    + node.getNodeType().toString().toLowerCase());
        }
        return node;
    }

    private static String describe(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }

    private static int firstNonBlank(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            if (!Character.isWhitespace(body[i])) {
                return i;
            }
        }
        return -1;
    }
}
