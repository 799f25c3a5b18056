package io.steelthread.source.kafka;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import org.springframework.integration.kafka.support.KafkaIntegrationHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

/**
 * Receives the producer's send future for each record, on the sending thread, and hands its outcome to the
 * request's callback, which travels as the record's {@link KafkaIntegrationHeaders#FUTURE_TOKEN}. So a request
 * completes when the broker acknowledges its record, without blocking a thread per request and without a lookup
 * table.
 */
public class AckFutureChannel implements MessageChannel {

    @Override
    public boolean send(Message<?> message, long timeout) {
        Object token = message.getHeaders().get(KafkaIntegrationHeaders.FUTURE_TOKEN);
        if (token instanceof BiConsumer<?, ?> callback && message.getPayload() instanceof CompletableFuture<?> sent) {
            @SuppressWarnings("unchecked")
            BiConsumer<Object, Throwable> onAck = (BiConsumer<Object, Throwable>) callback;
            sent.whenComplete(onAck);
        }
        return true;
    }
}
