package io.steelthread.processor.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EventEnricherTest {

    @Test
    void playerAndIspFromTheHostHeader() {
        assertThat(EventEnricher.player("user1.comcast.com")).isEqualTo(new EventEnricher.Player("user1", "comcast.com"));
        assertThat(EventEnricher.player("user2.att.com:5000")).isEqualTo(new EventEnricher.Player("user2", "att.com"));
        assertThat(EventEnricher.player("a.b.example.co.uk")).isEqualTo(new EventEnricher.Player("a.b", "example.co.uk"));
        assertThat(EventEnricher.player("localhost:5000")).isEqualTo(new EventEnricher.Player("localhost", ""));
        assertThat(EventEnricher.player("127.0.0.1")).isEqualTo(new EventEnricher.Player("127.0.0.1", ""));
    }

    @Test
    void eventTimeIsUtcWhateverTheOffset() {
        assertThat(EventEnricher.eventTime("2026-11-25T01:30:00+02:00").getHour()).isEqualTo(23);
        assertThat(EventEnricher.eventTime("2026-11-25T01:30:00+02:00").toLocalDate()).hasToString("2026-11-24");
        assertThatThrownBy(() -> EventEnricher.eventTime("25/11/2026")).isInstanceOf(RejectedEventException.class);
    }
}
