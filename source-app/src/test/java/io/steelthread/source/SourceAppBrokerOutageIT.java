package io.steelthread.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.localstack.KafkaServer;
import io.steelthread.localstack.KafkaServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** While the broker is down the API answers 503, never 2xx; every event it acknowledged survives the restart. */
// Contexts close at JVM exit: a graceful shutdown would wait 30 s for the keep-alive connections the test leaves open.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.shutdown=immediate")
class SourceAppBrokerOutageIT {

    static final String TOPIC = "outage";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static KafkaServer kafka;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) throws Exception {
        kafka = new KafkaServer(KafkaServerSettings.forTests(Files.createTempDirectory("outage-kafka")));
        kafka.start();
        kafka.createTopics(List.of(TOPIC), 3);
        registry.add("spring.cloud.stream.kafka.binder.brokers", kafka::bootstrapServers);
        registry.add("spring.cloud.stream.bindings.output.destination", () -> TOPIC);
    }

    @AfterAll
    static void stop() {
        kafka.stop();
    }

    /**
     * Stopped, then killed with SIGKILL (no controlled shutdown): each time, single events and batches get 503
     * with the reason, each within the producer's delivery timeout (6 s) plus a margin for the answer; after the
     * restart the API acknowledges again, and every event it ever acknowledged is in the topic.
     */
    @Test
    void noTwoHundredWhileTheBrokerIsDownAndNoAcknowledgedEventLost() throws Exception {
        Set<String> acknowledged = new HashSet<>();
        acknowledgeTwenty(acknowledged, 0);

        kafka.stop();
        answer503WhileDown(100);
        kafka.start();
        acknowledgeTwenty(acknowledged, 200);

        ProcessHandle broker = ProcessHandle.of(kafka.pid()).orElseThrow();
        assertThat(broker.destroyForcibly()).isTrue();
        broker.onExit().get(30, TimeUnit.SECONDS);
        answer503WhileDown(400);
        kafka.start();
        acknowledgeTwenty(acknowledged, 500);

        Set<String> inKafka = new HashSet<>();
        TopicRecords.readAll(kafka.bootstrapServers(), TOPIC).forEach(rec -> inKafka.add(rec.value().path("event_id").asText()));
        assertThat(acknowledged).hasSize(60);
        assertThat(inKafka).containsAll(acknowledged);
    }

    /** Five single events at once and one batch, all while the broker is down. */
    private void answer503WhileDown(int first) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> during = new ArrayList<>();
        List<Long> took = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 5; i++) {
            long start = System.nanoTime();
            during.add(HTTP.sendAsync(request(first + i), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> took.add((System.nanoTime() - start) / 1_000_000)));
        }
        for (CompletableFuture<HttpResponse<String>> f : during) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(MAPPER.readTree(r.body()).path("detail").asText()).startsWith("Kafka did not acknowledge");
        }
        long start = System.nanoTime();
        HttpResponse<String> batch = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                .header("Host", "batch.comcast.com").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[{\"event_type\":\"purchase_sword\"},"
                        + "{\"event_type\":\"open_chest\"}]")).build(), HttpResponse.BodyHandlers.ofString());
        took.add((System.nanoTime() - start) / 1_000_000);
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(503);
        assertThat(MAPPER.readTree(batch.body()).path("events")).hasSize(2)
                .allSatisfy(e -> assertThat(e.path("status").asText()).isEqualTo("failed"));
        System.out.println("503 answered in (ms): " + took);
        assertThat(took).as("ms from request to 503").hasSize(6).allSatisfy(ms -> assertThat(ms).isLessThan(7_000));
    }

    /** Sends until 20 are acknowledged (the first may meet the producer still reconnecting: 503, never a 2xx lie). */
    private void acknowledgeTwenty(Set<String> acknowledged, int first) throws Exception {
        int ok = 0;
        for (int i = 0; i < 200 && ok < 20; i++) {
            HttpResponse<String> r = send(first + i);
            assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
            if (r.statusCode() == 200) {
                ok++;
                acknowledged.add(MAPPER.readTree(r.body()).path("event_id").asText());
            }
        }
        assertThat(ok).as("events acknowledged with the broker up").isEqualTo(20);
    }

    private HttpResponse<String> send(int i) throws Exception {
        return HTTP.send(request(i), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(int i) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events/purchase_sword"))
                .header("Host", "user" + (i % 4) + ".comcast.com").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":" + i + "}")).build();
    }
}
