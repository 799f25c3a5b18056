package io.steelthread.source.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GameEventFactoryTest {

    final ObjectMapper mapper = new ObjectMapper();
    final GameEventFactory factory = new GameEventFactory(mapper,
            Clock.fixed(Instant.parse("2026-11-25T13:04:05.678Z"), ZoneOffset.UTC));

    @Test
    void eventCarriesTypeIdTimeHeadersAndAttributesKeyedByHost() throws Exception {
        GameEvent event = factory.create("purchase_sword", Map.of("Host", "user1.comcast.com", "Accept", "*/*"),
                mapper.readTree("{\"sword\":\"katana\"}"));
        JsonNode json = mapper.readTree(event.json());
        assertThat(json.path("event_type").asText()).isEqualTo("purchase_sword");
        assertThat(json.path("event_ts").asText()).isEqualTo("2026-11-25T13:04:05.678Z");
        assertThat(json.path("event_id").asText()).isEqualTo(event.id()).hasSize(36);
        assertThat(json.path("Host").asText()).isEqualTo("user1.comcast.com");
        assertThat(json.path("attributes").path("sword").asText()).isEqualTo("katana");
        assertThat(new String(event.key(), StandardCharsets.UTF_8)).isEqualTo("user1.comcast.com");
    }

    @Test
    void eachEventHasItsOwnId() {
        assertThat(factory.create("default", Map.of(), null).id()).isNotEqualTo(factory.create("default", Map.of(), null).id());
    }

    @Test
    void typeNamesAreValidated() {
        for (String bad : List.of("", "Purchase", "9lives", "has space", "dash-ed", "x".repeat(65))) {
            assertThatThrownBy(() -> factory.create(bad, Map.of(), null)).isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining("not a valid name");
        }
        assertThat(factory.create("a" + "b".repeat(63), Map.of(), null).type()).hasSize(64);
    }

    @Test
    void batchItemsNeedAnObjectWithAType() throws Exception {
        assertThatThrownBy(() -> factory.fromBatchItem(mapper.readTree("[1]"), Map.of()))
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> factory.fromBatchItem(mapper.readTree("{\"x\":1}"), Map.of()))
                .hasMessageContaining("event_type is missing");
        GameEvent e = factory.fromBatchItem(mapper.readTree("{\"event_type\":\"login\",\"event_id\":\"forged\",\"lvl\":2}"),
                new LinkedHashMap<>());
        JsonNode json = mapper.readTree(e.json());
        assertThat(json.path("event_id").asText()).isNotEqualTo("forged");
        assertThat(json.path("attributes").path("lvl").asInt()).isEqualTo(2);
    }
}
