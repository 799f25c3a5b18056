package io.steelthread.processor.event;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.steelthread.processor.metrics.ProcessorMetrics;
import ua_parser.CachingParser;

import org.springframework.cloud.stream.binder.BinderFactory;
import org.springframework.cloud.stream.binder.kafka.KafkaMessageChannelBinder;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;

/** The processor function and its parts; the binder and transactions are configured in application.yml. */
@Configuration(proxyBeanMethods = false)
public class ProcessorConfiguration {

    @Bean
    EventValidator eventValidator(ProcessorProperties properties) {
        return new EventValidator(properties.getSchemaLocation(), properties.isRequireTypeSchema());
    }

    @Bean
    EventEnricher eventEnricher() {
        // Game clients send few distinct User-Agent strings: the cache skips the regex scan for repeats.
        return new EventEnricher(new CachingParser());
    }

    @Bean
    EventProcessor eventProcessor(ObjectMapper mapper, EventValidator validator, EventEnricher enricher,
            ProcessorProperties properties) {
        return new EventProcessor(mapper, validator, enricher, properties.getDlqTopic());
    }

    /**
     * The bound function: a poll of raw events in (binding {@code input}), results out to the output binding's
     * topic or the DLQ, sent in the poll's transaction with the binder's transactional producer factory.
     */
    @Bean
    Consumer<Message<List<byte[]>>> process(EventProcessor processor, BinderFactory binders,
            BindingServiceProperties bindings, ProcessorProperties properties, MeterRegistry registry) {
        String topic = bindings.getBindingDestination(properties.getOutputBinding());
        return new BatchEventRouter(processor, () -> {
            ProducerFactory<byte[], byte[]> transactional = ((KafkaMessageChannelBinder) binders.getBinder(null,
                    MessageChannel.class)).getTransactionalProducerFactory();
            if (transactional == null) {
                throw new IllegalStateException("the processor writes in the poll's Kafka transaction: set "
                        + "spring.cloud.stream.kafka.binder.transaction.transaction-id-prefix");
            }
            return new KafkaTemplate<>(transactional);
        }, topic, new ProcessorMetrics(registry));
    }
}
