package io.steelthread.source.kafka;

import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.steelthread.source.event.GameEventFactory;
import io.steelthread.source.event.RequestHeaders;
import io.steelthread.source.event.SourceProperties;

import org.springframework.cloud.stream.config.ProducerMessageHandlerCustomizer;
import org.springframework.beans.factory.BeanFactory;
import org.apache.kafka.common.header.Headers;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.support.KafkaHeaderMapper;
import org.springframework.messaging.MessageHeaders;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.kafka.outbound.KafkaProducerMessageHandler;
import org.springframework.messaging.MessageChannel;

/** Wires the event logic to the Kafka binder. */
@Configuration(proxyBeanMethods = false)
public class PublisherConfiguration {

    /**
     * Records carry no Kafka headers (spring.cloud.stream.kafka.binder.header-mapper-bean-name): the value is
     * self-describing JSON whose content type the consumers' bindings declare, and mapping the message headers
     * of every event was a twentieth of the CPU of a batch in profiling.
     */
    @Bean
    KafkaHeaderMapper noRecordHeaders() {
        return new KafkaHeaderMapper() {

            @Override
            public void fromHeaders(MessageHeaders headers, Headers target) {
            }

            @Override
            public void toHeaders(Headers source, Map<String, Object> target) {
            }
        };
    }

    @Bean
    AckFutureChannel ackFutureChannel() {
        return new AckFutureChannel();
    }

    /** Hands every send future of the binder's producer to {@link AckFutureChannel}. */
    @Bean
    ProducerMessageHandlerCustomizer<KafkaProducerMessageHandler<?, ?>> ackFutureCustomizer(AckFutureChannel channel) {
        return (handler, destination) -> handler.setFuturesChannel(channel);
    }

    /** The output binding's channel, declared by {@code spring.cloud.stream.output-bindings}. */
    @Bean
    EventPublisher eventPublisher(BeanFactory beans, SourceProperties properties) {
        return new EventPublisher(() -> beans.getBean(properties.getBinding(), MessageChannel.class));
    }

    @Bean
    GameEventFactory gameEventFactory(ObjectMapper mapper) {
        return new GameEventFactory(mapper, Clock.systemUTC());
    }

    @Bean
    RequestHeaders requestHeaders(SourceProperties properties) {
        return new RequestHeaders(properties.getExtraSensitiveHeaders());
    }
}
