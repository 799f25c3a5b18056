package io.steelthread.processor.event;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Takes a whole poll of raw events, runs each through {@link EventProcessor} and sends the result to the output
 * binding or the dead-letter topic. The binder wraps each poll in one Kafka transaction (consumed offsets and
 * every output commit together), so a poll costs one transaction rather than one per event.
 */
public class BatchEventRouter implements Consumer<Message<List<byte[]>>> {

    private final EventProcessor processor;
    private final StreamBridge streamBridge;
    private final String outputBinding;

    public BatchEventRouter(EventProcessor processor, StreamBridge streamBridge, String outputBinding) {
        this.processor = processor;
        this.streamBridge = streamBridge;
        this.outputBinding = outputBinding;
    }

    @Override
    public void accept(Message<List<byte[]>> batch) {
        List<byte[]> payloads = batch.getPayload();
        Map<String, Object> headers = batch.getHeaders();
        for (int i = 0; i < payloads.size(); i++) {
            Message<byte[]> raw = MessageBuilder.withPayload(payloads.get(i))
                    .setHeader(KafkaHeaders.RECEIVED_KEY, element(headers, KafkaHeaders.RECEIVED_KEY, i))
                    .setHeader(KafkaHeaders.RECEIVED_TOPIC, element(headers, KafkaHeaders.RECEIVED_TOPIC, i))
                    .setHeader(KafkaHeaders.RECEIVED_PARTITION, element(headers, KafkaHeaders.RECEIVED_PARTITION, i))
                    .setHeader(KafkaHeaders.OFFSET, element(headers, KafkaHeaders.OFFSET, i))
                    .build();
            Message<byte[]> out = processor.apply(raw);
            Object dlq = out.getHeaders().get(EventProcessor.SEND_TO);
            // A failed send throws: the transaction aborts and the whole poll is redelivered, nothing is lost.
            if (!streamBridge.send(dlq == null ? outputBinding : dlq.toString(), out)) {
                throw new IllegalStateException("the binder refused an event for " + (dlq == null ? outputBinding : dlq));
            }
        }
    }

    /** In batch mode every per-record header is a list in poll order. */
    private static Object element(Map<String, Object> headers, String name, int index) {
        return headers.get(name) instanceof List<?> list && index < list.size() ? list.get(index) : null;
    }
}
