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

    @Test
    void noTwoHundredWhileTheBrokerIsDownAndNoAcknowledgedEventLost() throws Exception {
        Set<String> acknowledged = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = send(i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            acknowledged.add(MAPPER.readTree(r.body()).path("event_id").asText());
        }

        kafka.stop();
        List<CompletableFuture<HttpResponse<String>>> during = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            during.add(HTTP.sendAsync(request(100 + i), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : during) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(MAPPER.readTree(r.body()).path("detail").asText()).startsWith("Kafka did not acknowledge");
        }

        kafka.start();
        int ok = 0;
        for (int i = 0; i < 200 && ok < 20; i++) {
            HttpResponse<String> r = send(200 + i);
            assertThat(r.statusCode()).isIn(200, 503);
            if (r.statusCode() == 200) {
                ok++;
                acknowledged.add(MAPPER.readTree(r.body()).path("event_id").asText());
            }
        }
        assertThat(ok).as("events acknowledged after the broker came back").isEqualTo(20);

        Set<String> inKafka = new HashSet<>();
        TopicRecords.readAll(kafka.bootstrapServers(), TOPIC).forEach(rec -> inKafka.add(rec.value().path("event_id").asText()));
        assertThat(inKafka).containsAll(acknowledged);
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
