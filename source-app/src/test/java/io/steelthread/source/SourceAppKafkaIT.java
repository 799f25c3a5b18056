package io.steelthread.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.localstack.KafkaServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The seed's API against a real broker, read back with the Kafka client (and kcat, where installed). */
@AutoConfigureObservability
// Contexts close at JVM exit: a graceful shutdown would wait 30 s for the keep-alive connections the test leaves open.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.shutdown=immediate")
class SourceAppKafkaIT {

    static final String TOPIC = "raw-" + UUID.randomUUID();
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.cloud.stream.kafka.binder.brokers", () -> KafkaServer.sharedForTests().bootstrapServers());
        registry.add("spring.cloud.stream.bindings.output.destination", () -> TOPIC);
        registry.add("steelthread.source.max-body-size", () -> "4KB");
        registry.add("steelthread.source.max-batch-events", () -> "5");
        registry.add("steelthread.source.actions.open_a_chest.event-type", () -> "open_chest");
        registry.add("steelthread.source.actions.open_a_chest.response", () -> "Chest opened!\n");
    }

    @Test
    void seedEndpointsAnswerAsTheFlaskAppAndLogHeadersButNoCredentials() throws Exception {
        HttpResponse<String> root = get("/", "Host", "user1.comcast.com", "Authorization", "Bearer secret-token",
                "Cookie", "session=secret", "X-Api-Key", "secret-key", "X-Client-Version", "1.2.3",
                "Proxy-Authorization", "Basic secret-proxy", "Set-Cookie", "id=secret-cookie", "X-Auth-Token", "secret-auth");
        HttpResponse<String> sword = get("/purchase_a_sword", "Host", "user2.att.com");

        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).isEqualTo("This is the default response!\n");
        assertThat(sword.statusCode()).isEqualTo(200);
        assertThat(sword.body()).isEqualTo("Sword Purchased!\n");

        List<TopicRecords.Record> records = TopicRecords.readAll(bootstrap(), TOPIC);
        TopicRecords.Record def = only(records, "default", "user1.comcast.com");
        assertThat(def.key()).isEqualTo("user1.comcast.com");
        assertThat(def.value().path("X-Client-Version").asText()).isEqualTo("1.2.3");
        assertThat(def.value().path("User-Agent").asText()).startsWith("Java-http-client");
        assertThat(def.value().has("event_id")).isTrue();
        assertThat(Instant.parse(def.value().path("event_ts").asText())).isBeforeOrEqualTo(Instant.now());
        String raw = def.value().toString();
        // Every sensitive header the README names stays out of Kafka, by name and by value.
        assertThat(raw).doesNotContain("secret").doesNotContainIgnoringCase("authorization")
                .doesNotContainIgnoringCase("cookie").doesNotContainIgnoringCase("x-api-key")
                .doesNotContainIgnoringCase("x-auth-token");
        assertThat(only(records, "purchase_sword", "user2.att.com").key()).isEqualTo("user2.att.com");
    }

    @Test
    void theSeedsTenRequestsWithAHostHeaderLogTenEvents() throws Exception {
        String host = "ten-" + UUID.randomUUID() + ".comcast.com";
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = http11.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/purchase_a_sword")).header("Host", host).header("Accept", "*/*").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("Sword Purchased!\n");
        }
        List<JsonNode> events = TopicRecords.readAll(bootstrap(), TOPIC).stream().map(TopicRecords.Record::value)
                .filter(e -> host.equals(e.path("Host").asText())).toList();
        assertThat(events).hasSize(10).allSatisfy(e -> {
            assertThat(e.path("event_type").asText()).isEqualTo("purchase_sword");
            assertThat(e.path("User-Agent").asText()).startsWith("Java-http-client");
            assertThat(e.path("Accept").asText()).isEqualTo("*/*");
        });
        assertThat(events.stream().map(e -> e.path("event_id").asText()).distinct()).hasSize(10);
    }

    @Test
    void apacheBenchAsInTheSeedLogsEveryRequest() throws Exception {
        assumeTrue(Tools.installed("ab"), "ab not installed (Debian package apache2-utils): compatibility with the seed's ab not checked");
        String host = "ab-" + UUID.randomUUID() + ".comcast.com";
        Process ab = new ProcessBuilder("ab", "-n", "10", "-H", "Host: " + host,
                "http://127.0.0.1:" + port + "/purchase_a_sword").redirectErrorStream(true).start();
        String out = new String(ab.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ab.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ab.exitValue()).as(out).isZero();
        assertThat(out).contains("Complete requests:      10").contains("Failed requests:        0");

        List<JsonNode> events = TopicRecords.readAll(bootstrap(), TOPIC).stream().map(TopicRecords.Record::value)
                .filter(e -> host.equals(e.path("Host").asText())).toList();
        assertThat(events).hasSize(10).allSatisfy(e -> {
            assertThat(e.path("event_type").asText()).isEqualTo("purchase_sword");
            assertThat(e.path("User-Agent").asText()).isEqualTo("ApacheBench/2.3");
            assertThat(e.path("Accept").asText()).isEqualTo("*/*");
        });
        assertThat(events.stream().map(e -> e.path("event_id").asText()).distinct()).hasSize(10);
    }

    @Test
    void kcatShowsTheRecordsTheKafkaClientReads() throws Exception {
        assumeTrue(Tools.installed("kcat"), "kcat not installed (Debian package kcat): compatibility with the seed's kcat not checked");
        String host = "kcat-" + UUID.randomUUID() + ".att.com";
        get("/purchase_a_sword", "Host", host, "Authorization", "Bearer secret-token", "X-Client-Version", "1.2.3");
        get("/", "Host", host);
        List<TopicRecords.Record> byKcat = Kcat.readAll(bootstrap(), TOPIC).stream()
                .filter(r -> host.equals(r.value().path("Host").asText())).toList();
        List<TopicRecords.Record> byClient = TopicRecords.readAll(bootstrap(), TOPIC).stream()
                .filter(r -> host.equals(r.value().path("Host").asText())).toList();
        assertThat(byKcat).hasSize(2).containsExactlyInAnyOrderElementsOf(byClient);
        assertThat(byKcat).allSatisfy(r -> assertThat(r.key()).isEqualTo(host));
        assertThat(byKcat.toString()).doesNotContain("secret");
    }

    @Test
    void anyEventTypeWithAttributesAndBatches() throws Exception {
        String host = "batch-" + UUID.randomUUID() + ".att.com";
        HttpResponse<String> one = post("/events/join_guild", "{\"guild\":\"knights\",\"level\":3}", host, "application/json");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(MAPPER.readTree(one.body()).path("event_type").asText()).isEqualTo("join_guild");

        HttpResponse<String> batch = post("/events", """
                [{"event_type":"purchase_sword","sword":"katana"},
                 {"event_type":"Bad Type"},
                 {"event_type":"open_chest","attributes":{"chest":"gold"}},
                 42]
                """, host, "application/json");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(207);
        JsonNode answer = MAPPER.readTree(batch.body());
        assertThat(answer.path("accepted").asInt()).isEqualTo(2);
        assertThat(answer.path("rejected").asInt()).isEqualTo(2);
        assertThat(answer.path("events").get(1).path("reason").asText()).contains("not a valid name");
        assertThat(answer.path("events").get(3).path("reason").asText()).contains("JSON object");

        HttpResponse<String> ndjson = post("/events", "{\"event_type\":\"logout\"}\n{not json\n", host,
                "application/x-ndjson");
        assertThat(ndjson.statusCode()).isEqualTo(207);
        assertThat(MAPPER.readTree(ndjson.body()).path("events").get(1).path("reason").asText()).contains("malformed JSON");

        List<JsonNode> events = TopicRecords.readAll(bootstrap(), TOPIC).stream().map(TopicRecords.Record::value)
                .filter(e -> host.equals(e.path("Host").asText())).toList();
        assertThat(events).extracting(e -> e.path("event_type").asText())
                .containsExactlyInAnyOrder("join_guild", "purchase_sword", "open_chest", "logout");
        JsonNode guild = events.stream().filter(e -> e.path("event_type").asText().equals("join_guild")).findFirst().orElseThrow();
        assertThat(guild.path("attributes").path("guild").asText()).isEqualTo("knights");
        JsonNode chest = events.stream().filter(e -> e.path("event_type").asText().equals("open_chest")).findFirst().orElseThrow();
        assertThat(chest.path("attributes").path("chest").asText()).isEqualTo("gold");
    }

    /** A configured action beside the seed's: its query string becomes the event's attributes. */
    @Test
    void aConfiguredGetActionLogsItsQueryAsAttributes() throws Exception {
        String host = "action-" + UUID.randomUUID() + ".att.com";
        HttpResponse<String> chest = get("/open_a_chest?chest=gold&key=a&key=b", "Host", host);
        assertThat(chest.statusCode()).isEqualTo(200);
        assertThat(chest.body()).isEqualTo("Chest opened!\n");
        assertThat(get("/purchase_a_sword", "Host", host).body()).as("the seed's action is still there")
                .isEqualTo("Sword Purchased!\n");

        List<TopicRecords.Record> records = TopicRecords.readAll(bootstrap(), TOPIC);
        JsonNode attributes = only(records, "open_chest", host).value().path("attributes");
        assertThat(attributes.path("chest").asText()).isEqualTo("gold");
        assertThat(attributes.path("key").asText()).isEqualTo("a,b");
        assertThat(only(records, "purchase_sword", host).value().has("attributes")).as("no query, no attributes").isFalse();
    }

    /** The batch answers besides 207: 200 when every event was taken, 400 when none was valid (and nothing sent). */
    @Test
    void aBatchAnswers200WhenAllAreTakenAnd400WhenNoneIsValid() throws Exception {
        String host = "batch200-" + UUID.randomUUID() + ".att.com";
        HttpResponse<String> all = post("/events", "[{\"event_type\":\"logout\"},{\"event_type\":\"login\"}]", host,
                "application/json");
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(MAPPER.readTree(all.body()).path("accepted").asInt()).isEqualTo(2);
        HttpResponse<String> none = post("/events", "[{\"event_type\":\"Bad\"},{\"no_type\":1}]", host,
                "application/json");
        assertThat(none.statusCode()).as(none.body()).isEqualTo(400);
        assertThat(MAPPER.readTree(none.body()).path("rejected").asInt()).isEqualTo(2);

        List<JsonNode> events = TopicRecords.readAll(bootstrap(), TOPIC).stream().map(TopicRecords.Record::value)
                .filter(e -> host.equals(e.path("Host").asText())).toList();
        assertThat(events).extracting(e -> e.path("event_type").asText()).containsExactlyInAnyOrder("logout", "login");
    }

    @Test
    void badRequestsGetA4xxWithAReasonAndWriteNothing() throws Exception {
        String host = "bad-" + UUID.randomUUID() + ".att.com";
        assertProblem(post("/events/Purchase-Sword", "{}", host, "application/json"), 400, "not a valid name");
        assertProblem(post("/events/purchase_sword", "{\"sword\":", host, "application/json"), 400, "malformed JSON");
        assertProblem(post("/events/purchase_sword", "[1,2]", host, "application/json"), 400, "JSON object");
        assertProblem(post("/events/purchase_sword", "{\"x\":\"" + "a".repeat(5000) + "\"}", host, "application/json"),
                413, "larger than the limit");
        assertProblem(post("/events", "[{\"event_type\":\"a\"},", host, "application/json"), 400, "malformed JSON");
        assertProblem(post("/events", "\"just a string\"", host, "application/json"), 400, "JSON array");
        assertProblem(post("/events", "[]", host, "application/json"), 400, "no events");
        assertProblem(post("/events", "[" + "{\"event_type\":\"a\"},".repeat(5) + "{\"event_type\":\"a\"}]", host,
                "application/json"), 413, "the batch holds 6 events; the limit is 5");
        assertProblem(get("/no_such_action", "Host", host), 404, "no action 'no_such_action'");

        assertThat(TopicRecords.readAll(bootstrap(), TOPIC)).noneMatch(r -> host.equals(r.value().path("Host").asText()));
    }

    /** The ingestion metrics the monitoring reads: events Kafka acknowledged by type, refusals by reason. */
    @Test
    void countsAcceptedEventsByTypeAndRefusalsByReason() throws Exception {
        String host = "metrics-" + UUID.randomUUID() + ".att.com";
        double badBefore = counter("steelthread.source.rejected", "reason:bad_request");
        double largeBefore = counter("steelthread.source.rejected", "reason:payload_too_large");
        for (int i = 0; i < 3; i++) {
            assertThat(post("/events/metrics_probe", "{}", host, "application/json").statusCode()).isEqualTo(200);
        }
        assertThat(post("/events", "[{\"event_type\":\"metrics_probe\"},{\"event_type\":\"Bad Type\"}]", host,
                "application/json").statusCode()).isEqualTo(207);
        assertThat(post("/events/metrics_probe", "{\"x\":", host, "application/json").statusCode()).isEqualTo(400);
        assertThat(post("/events/metrics_probe", "{\"x\":\"" + "a".repeat(5000) + "\"}", host, "application/json")
                .statusCode()).isEqualTo(413);

        assertThat(counter("steelthread.source.events", "event_type:metrics_probe")).isEqualTo(4);
        assertThat(counter("steelthread.source.rejected", "reason:bad_request") - badBefore).isEqualTo(2);
        assertThat(counter("steelthread.source.rejected", "reason:payload_too_large") - largeBefore).isEqualTo(1);
    }

    /** A counter's value through the management port's metrics endpoint (0 when it was never incremented). */
    private double counter(String name, String tag) throws Exception {
        HttpResponse<String> response = send(managementPort, "GET", "/actuator/metrics/" + name + "?tag=" + tag, null);
        if (response.statusCode() == 404) {
            return 0;
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return MAPPER.readTree(response.body()).path("measurements").get(0).path("value").asDouble();
    }

    @Test
    void actuatorIsServedOnTheManagementPortOnlyAndHasNoWriteEndpoint() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        get("/purchase_a_sword", "Host", "metrics.example.com");
        HttpResponse<String> health = send(managementPort, "GET", "/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
        HttpResponse<String> prometheus = send(managementPort, "GET", "/actuator/prometheus", null);
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("http_server_requests_seconds_count").contains("kafka_producer")
                .containsPattern("steelthread_source_requests_seconds_count\\{[^}]*route=\"/purchase_a_sword\",status=\"200\"\\} [1-9]");

        // The public port, the one game clients reach, knows nothing of actuator.
        for (String path : List.of("/actuator", "/actuator/health", "/actuator/prometheus", "/actuator/metrics",
                "/actuator/bindings", "/actuator/env")) {
            assertThat(send(port, "GET", path, null).statusCode()).as("GET " + path + " on the public port").isEqualTo(404);
        }
        String stop = "{\"state\":\"STOPPED\"}";
        assertThat(send(port, "POST", "/actuator/bindings/output", stop).statusCode()).as("POST bindings, public port")
                .isIn(404, 405);
        // Nor does the management port offer a write endpoint unless one is configured.
        assertThat(send(managementPort, "POST", "/actuator/bindings/output", stop).statusCode())
                .as("POST bindings, management port").isIn(404, 405);
        assertThat(send(managementPort, "GET", "/actuator/bindings", null).statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> send(int port, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertProblem(HttpResponse<String> response, int status, String reason) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(MAPPER.readTree(response.body()).path("detail").asText()).contains(reason);
    }

    private static TopicRecords.Record only(List<TopicRecords.Record> records, String type, String host) {
        List<TopicRecords.Record> matching = records.stream().filter(r -> type.equals(r.value().path("event_type").asText())
                && host.equals(r.value().path("Host").asText())).toList();
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    private static String bootstrap() {
        return KafkaServer.sharedForTests().bootstrapServers();
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, String host, String contentType) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Host", host).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
