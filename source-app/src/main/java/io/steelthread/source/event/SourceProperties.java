package io.steelthread.source.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Settings of the game API source. */
@ConfigurationProperties("steelthread.source")
public class SourceProperties {

    /** Output binding the events are sent to (Data Flow 2.x names a source's binding "output"). */
    private String binding = "output";

    /**
     * Headers, besides Authorization, Cookie, Proxy-Authorization and Set-Cookie (always dropped), that never
     * reach Kafka.
     */
    private List<String> extraSensitiveHeaders = new ArrayList<>(List.of("X-Api-Key", "X-Auth-Token"));

    /** Largest accepted request body; larger ones get 413 and write nothing. */
    private DataSize maxBodySize = DataSize.ofMegabytes(1);

    /** Most events in one batch request. */
    private int maxBatchEvents = 1000;

    /** How long a request waits for the broker's acknowledgement before answering 503. */
    private Duration ackTimeout = Duration.ofSeconds(10);

    /** Answer of {@code GET /}, which logs a {@code default} event (the seed's API). */
    private String defaultResponse = "This is the default response!\n";

    /** Simple actions: {@code GET /<path>} logs the event type and answers the response text. */
    private Map<String, Action> actions = new LinkedHashMap<>(
            Map.of("purchase_a_sword", new Action("purchase_sword", "Sword Purchased!\n")));

    public String getBinding() {
        return binding;
    }

    public void setBinding(String binding) {
        this.binding = binding;
    }

    public List<String> getExtraSensitiveHeaders() {
        return extraSensitiveHeaders;
    }

    public void setExtraSensitiveHeaders(List<String> extraSensitiveHeaders) {
        this.extraSensitiveHeaders = extraSensitiveHeaders;
    }

    public DataSize getMaxBodySize() {
        return maxBodySize;
    }

    public void setMaxBodySize(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
    }

    public int getMaxBatchEvents() {
        return maxBatchEvents;
    }

    public void setMaxBatchEvents(int maxBatchEvents) {
        this.maxBatchEvents = maxBatchEvents;
    }

    public Duration getAckTimeout() {
        return ackTimeout;
    }

    public void setAckTimeout(Duration ackTimeout) {
        this.ackTimeout = ackTimeout;
    }

    public String getDefaultResponse() {
        return defaultResponse;
    }

    public void setDefaultResponse(String defaultResponse) {
        this.defaultResponse = defaultResponse;
    }

    public Map<String, Action> getActions() {
        return actions;
    }

    public void setActions(Map<String, Action> actions) {
        this.actions = actions;
    }

    /** A {@code GET /<path>} action: the event type it logs and the text it answers. */
    public static class Action {

        private String eventType;

        private String response = "OK\n";

        public Action() {
        }

        public Action(String eventType, String response) {
            this.eventType = eventType;
            this.response = response;
        }

        public String getEventType() {
            return eventType;
        }

        public void setEventType(String eventType) {
            this.eventType = eventType;
        }

        public String getResponse() {
            return response;
        }

        public void setResponse(String response) {
            this.response = response;
        }
    }
}
