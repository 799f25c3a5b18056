package io.steelthread.source.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.steelthread.source.event.GameEvent;
import io.steelthread.source.event.GameEventFactory;
import io.steelthread.source.event.InvalidEventException;
import io.steelthread.source.event.RequestHeaders;
import io.steelthread.source.event.SourceProperties;
import io.steelthread.source.kafka.EventPublisher;
import io.steelthread.source.kafka.KafkaUnavailableException;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The game's API. Every request logs its event(s) to Kafka and answers only once the broker acknowledged them:
 * 2xx means durable, 503 means not taken (retry), 4xx means bad input (nothing written).
 * <p>
 * Handlers wait for the acknowledgement on the request thread (bounded by the ack timeout) rather than return
 * the future: Servlet async re-dispatch cost a third of the CPU per request in profiling, while the wait itself is
 * a few milliseconds and the sends of a batch still go out together.
 */
@RestController
public class GameEventController {

    private final GameEventFactory events;
    private final RequestHeaders requestHeaders;
    private final EventPublisher publisher;
    private final SourceProperties properties;
    private final ObjectMapper mapper;

    public GameEventController(GameEventFactory events, RequestHeaders requestHeaders, EventPublisher publisher,
            SourceProperties properties, ObjectMapper mapper) {
        this.events = events;
        this.requestHeaders = requestHeaders;
        this.publisher = publisher;
        this.properties = properties;
        this.mapper = mapper;
    }

    /** The seed's {@code GET /}: a {@code default} event. */
    @GetMapping(path = "/", produces = MediaType.TEXT_PLAIN_VALUE)
    public ResponseEntity<Object> defaultResponse(@RequestHeader HttpHeaders headers,
            @RequestParam MultiValueMap<String, String> query) {
        return logAction("default", properties.getDefaultResponse(), headers, query).join();
    }

    /** The seed's {@code GET /purchase_a_sword}, and every other configured simple action. */
    @GetMapping(path = "/{action}", produces = MediaType.TEXT_PLAIN_VALUE)
    public ResponseEntity<Object> action(@PathVariable String action,
            @RequestHeader HttpHeaders headers, @RequestParam MultiValueMap<String, String> query) {
        SourceProperties.Action configured = properties.getActions().get(action);
        if (configured == null) {
            return problem(HttpStatus.NOT_FOUND, "no action '" + action
                    + "'; configured actions: " + properties.getActions().keySet()
                    + " (steelthread.source.actions), or POST /events/{event_type}");
        }
        return logAction(configured.getEventType(), configured.getResponse(), headers, query).join();
    }

    /** One event of any type; the body, if any, is a JSON object of attributes. */
    @PostMapping(path = "/events/{eventType}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Object> event(@PathVariable String eventType,
            @RequestHeader HttpHeaders headers, HttpServletRequest request) throws IOException {
        byte[] body = RequestBody.read(request, properties.getMaxBodySize().toBytes());
        JsonNode attributes = body.length == 0 ? null : parse(body);
        if (attributes != null && !attributes.isObject()) {
            throw new InvalidEventException("the body must be a JSON object of attributes, not "
                    + attributes.getNodeType().toString().toLowerCase());
        }
        GameEvent event = events.create(eventType, requestHeaders.loggable(headers), attributes);
        return publisher.publish(event).handle((ok, error) -> error == null
                ? ResponseEntity.<Object>ok(Map.of("event_id", event.id(), "event_type", event.type()))
                : unavailable(error)).join();
    }

    /**
     * A batch, as mobile SDKs send them: a JSON array of events, or NDJSON (one event per line), each with its
     * {@code event_type}. Valid events are sent even when others are not; the answer says which is which.
     */
    @PostMapping(path = "/events", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Object> batch(@RequestHeader HttpHeaders headers,
            HttpServletRequest request) throws IOException {
        byte[] body = RequestBody.read(request, properties.getMaxBodySize().toBytes());
        List<Object> items = BatchParser.parse(body, request.getContentType(), mapper);
        if (items.isEmpty()) {
            throw new InvalidEventException("the batch holds no events");
        }
        if (items.size() > properties.getMaxBatchEvents()) {
            return problem(HttpStatus.PAYLOAD_TOO_LARGE, "the batch holds "
                    + items.size() + " events; the limit is " + properties.getMaxBatchEvents()
                    + " (steelthread.source.max-batch-events)");
        }
        Map<String, String> loggable = requestHeaders.loggable(headers);
        List<CompletableFuture<BatchResult.Item>> results = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            results.add(sendItem(i, items.get(i), loggable));
        }
        BatchResult result = BatchResult.of(results.stream().map(CompletableFuture::join).toList());
        return ResponseEntity.status(result.httpStatus()).body(result);
    }

    private CompletableFuture<BatchResult.Item> sendItem(int index, Object item, Map<String, String> headers) {
        GameEvent event;
        try {
            if (item instanceof String parseError) {
                throw new InvalidEventException(parseError);
            }
            event = events.fromBatchItem((JsonNode) item, headers);
        }
        catch (InvalidEventException e) {
            return CompletableFuture.completedFuture(
                    new BatchResult.Item(index, BatchResult.Status.REJECTED, null, null, e.getMessage()));
        }
        return publisher.publish(event).handle((ok, error) -> error == null
                ? new BatchResult.Item(index, BatchResult.Status.ACCEPTED, event.id(), event.type(), null)
                : new BatchResult.Item(index, BatchResult.Status.FAILED, event.id(), event.type(),
                        KafkaUnavailableException.reasonOf(error)));
    }

    private CompletableFuture<ResponseEntity<Object>> logAction(String eventType, String response, HttpHeaders headers,
            MultiValueMap<String, String> query) {
        ObjectNode attributes = null;
        if (!query.isEmpty()) {
            attributes = mapper.createObjectNode();
            for (Map.Entry<String, List<String>> e : query.entrySet()) {
                attributes.put(e.getKey(), String.join(",", e.getValue()));
            }
        }
        GameEvent event = events.create(eventType, requestHeaders.loggable(headers), attributes);
        return publisher.publish(event).handle((ok, error) -> error == null
                ? ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(response)
                : unavailable(error));
    }

    private JsonNode parse(byte[] body) {
        try {
            return mapper.readTree(body);
        }
        catch (IOException e) {
            throw new InvalidEventException("malformed JSON: " + JsonErrors.describe(e));
        }
    }

    private static ResponseEntity<Object> unavailable(Throwable error) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Kafka did not acknowledge the event: "
                + KafkaUnavailableException.reasonOf(error));
    }

    static ResponseEntity<Object> problem(HttpStatus status, String detail) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemDetail.forStatusAndDetail(status, detail));
    }

    static final class JsonErrors {

        private JsonErrors() {
        }

        static String describe(IOException e) {
            return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        }
    }
}
