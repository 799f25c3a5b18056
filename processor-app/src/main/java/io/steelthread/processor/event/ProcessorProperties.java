package io.steelthread.processor.event;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the event processor. */
@ConfigurationProperties("steelthread.processor")
public class ProcessorProperties {

    /** Topic that receives the events that fail parsing or validation, with the reason in a record header. */
    private String dlqTopic = "events.dlq";

    /** Output binding of the good events (Data Flow 2.x names a processor's bindings input/output). */
    private String outputBinding = "output";

    /** Reject events whose type has no schema file of its own (else the envelope schema alone applies). */
    private boolean requireTypeSchema = false;

    /** Classpath folder of the schemas ({@code event.schema.json} and {@code types/<event_type>.schema.json}). */
    private String schemaLocation = "io/steelthread/schema";

    public String getDlqTopic() {
        return dlqTopic;
    }

    public void setDlqTopic(String dlqTopic) {
        this.dlqTopic = dlqTopic;
    }

    public String getOutputBinding() {
        return outputBinding;
    }

    public void setOutputBinding(String outputBinding) {
        this.outputBinding = outputBinding;
    }

    public boolean isRequireTypeSchema() {
        return requireTypeSchema;
    }

    public void setRequireTypeSchema(boolean requireTypeSchema) {
        this.requireTypeSchema = requireTypeSchema;
    }

    public String getSchemaLocation() {
        return schemaLocation;
    }

    public void setSchemaLocation(String schemaLocation) {
        this.schemaLocation = schemaLocation;
    }
}
