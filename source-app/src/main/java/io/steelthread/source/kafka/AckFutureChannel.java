package io.steelthread.source.kafka;

import java.util.concurrent.CompletableFuture;

import org.springframework.integration.kafka.support.KafkaIntegrationHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

/**
 * Receives the producer's send future for each record, on the sending thread, and ties it to the request's own
 * future, which travels as the record's {@link KafkaIntegrationHeaders#FUTURE_TOKEN}. So a request completes
 * when the broker acknowledges its record, without blocking a thread per request and without a lookup table.
 */
public class AckFutureChannel implements MessageChannel {

    @Override
    public boolean send(Message<?> message, long timeout) {
        Object token = message.getHeaders().get(KafkaIntegrationHeaders.FUTURE_TOKEN);
        if (token instanceof CompletableFuture<?> ack && message.getPayload() instanceof CompletableFuture<?> sent) {
            @SuppressWarnings("unchecked")
            CompletableFuture<Object> request = (CompletableFuture<Object>) ack;
            sent.whenComplete((result, error) -> {
                if (error != null) {
                    request.completeExceptionally(error);
                }
                else {
                    request.complete(result);
                }
            });
        }
        return true;
    }
}
