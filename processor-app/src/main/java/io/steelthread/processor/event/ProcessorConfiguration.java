package io.steelthread.processor.event;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import ua_parser.CachingParser;

import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

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

    /** The bound function: a poll of raw events in (binding {@code input}), results out through StreamBridge. */
    @Bean
    Consumer<Message<List<byte[]>>> process(EventProcessor processor, StreamBridge streamBridge,
            ProcessorProperties properties) {
        return new BatchEventRouter(processor, streamBridge, properties.getOutputBinding());
    }
}
