package io.steelthread.source.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.steelthread.source.event.GameEvent;
import io.steelthread.source.event.SourceProperties;

import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.integration.kafka.support.KafkaIntegrationHeaders;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/** Sends events to the source's output binding; each returned future completes when the broker acknowledged. */
public class EventPublisher {

    private final StreamBridge streamBridge;
    private final SourceProperties properties;

    public EventPublisher(StreamBridge streamBridge, SourceProperties properties) {
        this.streamBridge = streamBridge;
        this.properties = properties;
    }

    public CompletableFuture<Object> publish(GameEvent event) {
        CompletableFuture<Object> ack = new CompletableFuture<>();
        Message<byte[]> message = MessageBuilder.withPayload(event.json())
                .setHeader(KafkaHeaders.KEY, event.key())
                .setHeader(KafkaIntegrationHeaders.FUTURE_TOKEN, ack)
                .setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON_VALUE)
                .build();
        try {
            if (!streamBridge.send(properties.getBinding(), message)) {
                ack.completeExceptionally(new KafkaUnavailableException("the output binding refused the event"));
            }
        }
        catch (RuntimeException e) {
            // The producer throws on the caller's thread when it cannot even buffer the record (no metadata, full
            // buffer after max.block.ms).
            ack.completeExceptionally(e);
        }
        return ack.orTimeout(properties.getAckTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
