package io.steelthread.source.web;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.steelthread.source.event.GameEvent;
import io.steelthread.source.event.GameEventFactory;
import io.steelthread.source.event.InvalidEventException;
import io.steelthread.source.event.RequestHeaders;
import io.steelthread.source.event.SourceProperties;
import io.steelthread.source.kafka.EventPublisher;
import io.steelthread.source.kafka.KafkaUnavailableException;
import org.springframework.boot.web.embedded.netty.NettyRouteProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * The game's API. Every request logs its event(s) to Kafka and answers only once the broker acknowledged them:
 * 2xx means durable, 503 means not taken (retry), 4xx means bad input (nothing written).
 * <p>
 * These routes sit on Reactor Netty itself, in front of WebFlux on the same port (actuator, unknown paths): per
 * request, WebFlux's dispatching, argument resolution, result handling and server observation cost more CPU than
 * the event and its Kafka send together, and this is the hot path. {@link ApiResponses} records the per-route
 * timings that WebFlux would otherwise have recorded.
 * <p>
 * A request holds no thread while its event waits for the broker. Sending does not block the event loop in normal
 * operation: the producer only blocks (up to max.block.ms) with no metadata for the topic or a full buffer, that
 * is when Kafka is already failing requests.
 */
@Component
public class GameApiRoutes implements NettyRouteProvider {

    private final GameEventFactory events;
    private final RequestHeaders requestHeaders;
    private final EventPublisher publisher;
    private final SourceProperties properties;
    private final ObjectMapper mapper;
    private final ApiResponses responses;
    private final SourceMetrics metrics;

    public GameApiRoutes(GameEventFactory events, RequestHeaders requestHeaders, EventPublisher publisher,
            SourceProperties properties, ObjectMapper mapper, ApiResponses responses, SourceMetrics metrics) {
        this.metrics = metrics;
        this.events = events;
        this.requestHeaders = requestHeaders;
        this.publisher = publisher;
        this.properties = properties;
        this.mapper = mapper;
        this.responses = responses;
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        // The seed's GET / and every configured simple action (GET /purchase_a_sword ...); other paths fall through
        // to WebFlux, where UnknownActionController says what exists.
        routes.get("/", (request, response) -> action(request, response, "/", "default", properties.getDefaultResponse()));
        properties.getActions().forEach((name, action) -> routes.get("/" + name,
                (request, response) -> action(request, response, "/" + name, action.getEventType(), action.getResponse())));
        routes.post("/events/{eventType}", this::event);
        routes.post("/events", this::batch);
        return routes;
    }

    private Mono<Void> action(HttpServerRequest request, HttpServerResponse response, String route, String eventType,
            String answer) {
        long start = System.nanoTime();
        try {
            Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
            ObjectNode attributes = null;
            if (!query.isEmpty()) {
                attributes = mapper.createObjectNode();
                for (Map.Entry<String, List<String>> e : query.entrySet()) {
                    attributes.put(e.getKey(), String.join(",", e.getValue()));
                }
            }
            GameEvent event = events.create(eventType, loggableHeaders(request), attributes);
            return acked(publisher.publish(event))
                    .then(Mono.defer(() -> {
                        metrics.accepted(event.type());
                        return responses.text(response, route, start, answer);
                    }))
                    .onErrorResume(error -> responses.error(response, route, start, error));
        }
        catch (RuntimeException e) {
            return responses.error(response, route, start, e);
        }
    }

    /** One event of any type; the body, if any, is a JSON object of attributes. */
    private Mono<Void> event(HttpServerRequest request, HttpServerResponse response) {
        long start = System.nanoTime();
        String route = "/events/{eventType}";
        return RequestBody.read(request, properties.getMaxBodySize().toBytes()).flatMap(body -> {
            JsonNode attributes = body.length == 0 ? null : BatchParser.parseObject(body, mapper);
            GameEvent event = events.create(request.param("eventType"), loggableHeaders(request), attributes);
            return acked(publisher.publish(event)).then(Mono.defer(() -> {
                metrics.accepted(event.type());
                return responses.json(response, route, start, HttpStatus.OK,
                        Map.of("event_id", event.id(), "event_type", event.type()));
            }));
        }).onErrorResume(error -> responses.error(response, route, start, error));
    }

    /**
     * A batch, as mobile SDKs send them: a JSON array of events, or NDJSON (one event per line), each with its
     * {@code event_type}. Valid events are sent even when others are not; the answer says which is which.
     */
    private Mono<Void> batch(HttpServerRequest request, HttpServerResponse response) {
        long start = System.nanoTime();
        String route = "/events";
        return RequestBody.read(request, properties.getMaxBodySize().toBytes()).flatMap(body -> {
            List<Object> items = BatchParser.parse(body, request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE),
                    mapper);
            if (items.isEmpty()) {
                throw new InvalidEventException("the batch holds no events");
            }
            if (items.size() > properties.getMaxBatchEvents()) {
                return responses.problem(response, route, start, HttpStatus.PAYLOAD_TOO_LARGE, "the batch holds "
                        + items.size() + " events; the limit is " + properties.getMaxBatchEvents()
                        + " (steelthread.source.max-batch-events)");
            }
            Map<String, String> headers = loggableHeaders(request);
            BatchAcks acks = new BatchAcks(items.size());
            for (int i = 0; i < items.size(); i++) {
                sendItem(acks, i, items.get(i), headers);
            }
            // Events not acknowledged within the ack timeout are reported failed; the others as they ended.
            return acked(acks.all()).onErrorResume(TimeoutException.class, e -> Mono.empty())
                    .then(Mono.defer(() -> {
                        BatchResult result = acks.result(KafkaUnavailableException.ACK_TIMEOUT);
                        return responses.json(response, route, start, HttpStatus.valueOf(result.httpStatus()), result);
                    }));
        }).onErrorResume(error -> responses.error(response, route, start, error));
    }

    private void sendItem(BatchAcks acks, int index, Object item, Map<String, String> headers) {
        GameEvent event;
        try {
            if (item instanceof String parseError) {
                throw new InvalidEventException(parseError);
            }
            event = events.fromBatchItem((JsonNode) item, headers);
        }
        catch (InvalidEventException e) {
            metrics.rejected(HttpStatus.BAD_REQUEST);
            acks.set(new BatchResult.Item(index, BatchResult.Status.REJECTED, null, null, e.getMessage()));
            return;
        }
        publisher.publish(event, (ok, error) -> {
            if (error == null) {
                metrics.accepted(event.type());
                acks.set(new BatchResult.Item(index, BatchResult.Status.ACCEPTED, event.id(), event.type(), null));
            }
            else {
                metrics.rejected(HttpStatus.SERVICE_UNAVAILABLE);
                acks.set(new BatchResult.Item(index, BatchResult.Status.FAILED, event.id(), event.type(),
                        KafkaUnavailableException.reasonOf(error)));
            }
        });
    }

    /** The request's wait for Kafka, bounded by the ack timeout (one timer per request, not per event). */
    private Mono<Void> acked(CompletableFuture<?> sent) {
        return Mono.fromFuture(sent.orTimeout(properties.getAckTimeout().toMillis(), TimeUnit.MILLISECONDS)).then();
    }

    private Map<String, String> loggableHeaders(HttpServerRequest request) {
        return requestHeaders.loggable(request.requestHeaders());
    }
}
