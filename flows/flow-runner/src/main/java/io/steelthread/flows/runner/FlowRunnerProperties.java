package io.steelthread.flows.runner;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What Data Flow passes a composed-task runner (top-level names, as its stock runner reads them), and this runner's
 * own settings.
 *
 * @param graph                     the flow, in Data Flow's task DSL, with child definition names
 *                                  ({@code flow-a && flow-b})
 * @param composedTaskProperties    launch properties for the children, {@code app.<child>.…} and
 *                                  {@code deployer.<child>.…}, comma separated
 * @param composedTaskArguments     arguments passed to every child, space separated
 * @param dataflowServerUri         where the children are launched
 * @param dataflowServerAccessToken bearer token for a secured server (Data Flow passes the user's own when
 *                                  {@code spring.cloud.dataflow.task.use-user-access-token} is set)
 * @param oauth2ClientCredentialsClientId     with the secret and token URI: the client-credentials grant, for
 *                                            launches that carry no user's token (schedules); the stock runner's names
 * @param oauth2ClientCredentialsClientSecret the client's secret
 * @param oauth2ClientCredentialsTokenUri     the issuer's token endpoint
 * @param oauth2ClientCredentialsScopes       scopes to ask for, comma separated (blank: the client's defaults)
 * @param pollInterval              how often a running child's state is read
 * @param splitThreadCount          how many branches of a split run at once
 * @param maxWaitTime               a child running longer is stopped and fails its step; zero waits without end
 */
@ConstructorBinding
@ConfigurationProperties("")
public record FlowRunnerProperties(String graph, String composedTaskProperties, String composedTaskArguments,
        @DefaultValue("http://localhost:9393") URI dataflowServerUri, String dataflowServerAccessToken,
        String oauth2ClientCredentialsClientId, String oauth2ClientCredentialsClientSecret,
        String oauth2ClientCredentialsTokenUri, @DefaultValue("") List<String> oauth2ClientCredentialsScopes,
        @DefaultValue("200ms") Duration pollInterval, @DefaultValue("4") int splitThreadCount,
        @DefaultValue("0s") Duration maxWaitTime) {
}
