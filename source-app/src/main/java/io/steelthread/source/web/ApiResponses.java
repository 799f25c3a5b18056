package io.steelthread.source.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.steelthread.source.event.InvalidEventException;
import io.steelthread.source.kafka.KafkaUnavailableException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Writes the API's answers (text, JSON, RFC 7807 problems) and times each request per route and status as
 * {@code steelthread.source.requests}, since these routes bypass WebFlux and its http.server.requests.
 */
@Component
public class ApiResponses {

    static final String METRIC = "steelthread.source.requests";

    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final SourceMetrics metrics;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public ApiResponses(ObjectMapper mapper, MeterRegistry registry, SourceMetrics metrics) {
        this.mapper = mapper;
        this.registry = registry;
        this.metrics = metrics;
    }

    Mono<Void> text(HttpServerResponse response, String route, long start, String body) {
        return send(response, route, start, HttpStatus.OK, MediaType.TEXT_PLAIN_VALUE + ";charset=UTF-8",
                body.getBytes(StandardCharsets.UTF_8));
    }

    Mono<Void> json(HttpServerResponse response, String route, long start, HttpStatus status, Object body) {
        return send(response, route, start, status, MediaType.APPLICATION_JSON_VALUE, bytes(body));
    }

    Mono<Void> problem(HttpServerResponse response, String route, long start, HttpStatus status, String detail) {
        metrics.rejected(status);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        String path = response.fullPath();
        problem.setInstance(URI.create(path.startsWith("/") ? path : "/" + path));
        return send(response, route, start, status, MediaType.APPLICATION_PROBLEM_JSON_VALUE, bytes(problem));
    }

    /** Bad input is the client's 4xx; anything else happened while sending, so Kafka did not take the event. */
    Mono<Void> error(HttpServerResponse response, String route, long start, Throwable error) {
        if (error instanceof InvalidEventException) {
            return problem(response, route, start, HttpStatus.BAD_REQUEST, error.getMessage());
        }
        if (error instanceof RequestBody.PayloadTooLargeException) {
            return problem(response, route, start, HttpStatus.PAYLOAD_TOO_LARGE, error.getMessage());
        }
        return problem(response, route, start, HttpStatus.SERVICE_UNAVAILABLE,
                "Kafka did not acknowledge the event: " + KafkaUnavailableException.reasonOf(error));
    }

    private Mono<Void> send(HttpServerResponse response, String route, long start, HttpStatus status,
            String contentType, byte[] body) {
        response.status(HttpResponseStatus.valueOf(status.value()))
                .header(HttpHeaderNames.CONTENT_TYPE, contentType)
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
        return response.sendByteArray(Mono.just(body)).then()
                .doOnTerminate(() -> timer(route, status.value()).record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    private Timer timer(String route, int status) {
        return timers.computeIfAbsent(route + ' ' + status, key -> Timer.builder(METRIC)
                .description("Game API requests, from request to the answer written (after Kafka's ack for 2xx)")
                .tag("route", route).tag("status", Integer.toString(status))
                .tag("outcome", HttpStatus.valueOf(status).series().name())
                .publishPercentileHistogram().register(registry));
    }

    private byte[] bytes(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }
}
