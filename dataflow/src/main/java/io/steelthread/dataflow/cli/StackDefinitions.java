package io.steelthread.dataflow.cli;

import java.net.URI;
import java.nio.file.Path;

import io.steelthread.dataflow.client.DataFlowConnection;
import io.steelthread.dataflow.model.Definitions;
import io.steelthread.localstack.cli.StackSettings;

import org.springframework.cloud.dataflow.rest.client.DataFlowTemplate;

/** The definitions of {@code dataflow/definitions/} filled from the stack's settings, and the server they go to. */
final class StackDefinitions {

    private StackDefinitions() {
    }

    static Definitions load(StackSettings s, Path dir) {
        return Definitions.load(dir == null ? s.project().resolve("dataflow/definitions") : dir, key -> switch (key) {
            case "kafka.bootstrap" -> s.kafkaBootstrap();
            case "warehouse" -> s.warehouse();
            case "spark.home" -> s.sparkHome().toString();
            case "spark.app-resource" -> s.appJar("spark-tasks/spark-jobs").toString();
            case "hiveserver2.jdbc-url" -> s.hiveServer2JdbcUrl();
            case "presto.jdbc-url" -> s.prestoJdbcUrl();
            case "metastore.uri" -> s.metastoreUri();
            case "bind-address.local-host" -> s.localHostFor(s.bindAddress());
            default -> s.get(key);
        }, module -> s.appJar(module).toUri().toString());
    }

    /** The Data Flow server, authenticated with the {@code dataflow.*} credentials when they are set. */
    static DataFlowTemplate server(StackSettings s) {
        String scopes = s.optional("dataflow.scopes");
        return DataFlowConnection.open(URI.create(s.dataflowUri()), new DataFlowConnection.Credentials(
                s.optional("dataflow.access-token"), s.optional("dataflow.client-id"), s.optional("dataflow.client-secret"),
                s.optional("dataflow.token-uri"), scopes.isEmpty() ? java.util.List.of() : java.util.List.of(scopes.split("\\s*,\\s*"))),
                "set dataflow.access-token, or dataflow.client-id, dataflow.client-secret and dataflow.token-uri "
                        + "(README, Security)");
    }
}
