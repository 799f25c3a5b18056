package io.steelthread.dataflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.steelthread.dataflow.client.DataFlowConnection;
import io.steelthread.localstack.Ports;
import io.steelthread.localstack.cli.LocalStack;
import io.steelthread.localstack.cli.StackSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.dataflow.core.ApplicationType;
import org.springframework.cloud.dataflow.rest.client.DataFlowTemplate;
import org.springframework.cloud.dataflow.rest.resource.TaskDefinitionResource;
import org.springframework.cloud.dataflow.rest.resource.TaskExecutionResource;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.config.ProviderSettings;

/**
 * The secured setup of the README's Security section on the real Data Flow and Skipper servers: both as OAuth2
 * resource servers checking JWTs of an issuer (Spring Authorization Server, in this JVM), our client authenticating
 * with the client-credentials grant. Anonymous calls and a wrong secret are refused with a message that says what
 * to set; the right client registers apps and creates tasks.
 */
class SecuredDataFlowIT {

    static final List<String> ROLES = List.of("VIEW", "CREATE", "DEPLOY", "DESTROY", "MANAGE", "MODIFY", "SCHEDULE");
    static final String SECRET = UUID.randomUUID().toString();

    @TempDir
    static Path home;

    static ConfigurableApplicationContext issuer;
    static int issuerPort;
    static String lastOutput = "";
    static String lastError = "";

    @BeforeAll
    static void startTheIssuerAndTheSecuredServers() throws Exception {
        issuerPort = Ports.free();
        issuer = new SpringApplicationBuilder(Issuer.class).properties("server.port=" + issuerPort,
                "server.address=127.0.0.1", "spring.main.banner-mode=off").run();
        String idp = "http://127.0.0.1:" + issuerPort;
        StringBuilder security = new StringBuilder();
        security.append("spring.security.oauth2.client.registration.steelthread.client-id=dashboard\n")
                .append("spring.security.oauth2.client.registration.steelthread.client-secret=dashboard-secret\n")
                .append("spring.security.oauth2.client.registration.steelthread.authorization-grant-type=authorization_code\n")
                .append("spring.security.oauth2.client.registration.steelthread.redirect-uri={baseUrl}/login/oauth2/code/{registrationId}\n")
                .append("spring.security.oauth2.client.registration.steelthread.provider=issuer\n")
                .append("spring.security.oauth2.client.registration.steelthread.scope=").append(String.join(",",
                        ROLES.stream().map(r -> "dataflow." + r.toLowerCase()).toList())).append('\n')
                .append("spring.security.oauth2.client.provider.issuer.authorization-uri=").append(idp).append("/oauth2/authorize\n")
                .append("spring.security.oauth2.client.provider.issuer.token-uri=").append(idp).append("/oauth2/token\n")
                .append("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=").append(idp).append("/oauth2/jwks\n");
        // Flows authenticate with client credentials of their own (the README's setting): a schedule's flow has no
        // user whose token it could carry.
        String task = "spring.cloud.dataflow.applicationProperties.task.oauth2-client-credentials-";
        security.append(task).append("client-id=steelthread\n").append(task).append("client-secret=").append(SECRET)
                .append('\n').append(task).append("token-uri=").append(idp).append("/oauth2/token\n").append(task)
                .append("scopes=").append(String.join(",", ROLES.stream().map(r -> "dataflow." + r.toLowerCase())
                        .toList())).append('\n');
        for (String server : List.of("dataflow", "skipper")) {
            String mappings = "spring.cloud." + server + ".security.authorization.provider-role-mappings.steelthread.";
            security.append(mappings).append("map-oauth-scopes=true\n");
            ROLES.forEach(role -> security.append(mappings).append("role-mappings.ROLE_").append(role).append("=dataflow.")
                    .append(role.toLowerCase()).append('\n'));
        }
        Path securityFile = Files.writeString(home.resolve("dataflow-security.properties"), security.toString());
        Files.writeString(home.resolve("stack.properties"), "skipper.port=" + Ports.free() + "\ndataflow.port="
                + Ports.free() + "\ndataflow.security-config=" + securityFile + "\n");
        stack().up(List.of("skipper", "dataflow"));
    }

    @AfterAll
    static void stop() {
        stack().down(false);
        if (issuer != null) {
            issuer.close();
        }
    }

    @Test
    void anAnonymousCallIsRefusedAndTheCommandSaysWhatToSet() throws Exception {
        HttpResponse<String> apps = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(settings().dataflowUri() + "/apps")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(apps.statusCode()).isEqualTo(401);

        assertThat(cli("dataflow", "apply", "--dry-run")).isEqualTo(1);
        assertThat(lastError).contains("requires authentication and no credentials are configured")
                .contains("dataflow.client-id");
    }

    @Test
    void aWrongClientSecretGetsNoToken() {
        System.setProperty("steelthread.dataflow.client-id", "steelthread");
        System.setProperty("steelthread.dataflow.client-secret", "wrong");
        System.setProperty("steelthread.dataflow.token-uri", "http://127.0.0.1:" + issuerPort + "/oauth2/token");
        try {
            assertThat(cli("dataflow", "apply", "--dry-run")).isEqualTo(1);
            assertThat(lastError).contains("no token for Data Flow from http://127.0.0.1:" + issuerPort + "/oauth2/token")
                    .contains("401");
        }
        finally {
            clearCredentials();
        }
    }

    @Test
    void theClientCredentialsGrantRegistersAppsAndCreatesTasks() {
        withClientCredentials(() -> {
            Path definitions = home.resolve("definitions");
            Files.createDirectories(definitions);
            Files.writeString(definitions.resolve("apps.properties"), "task.pipeline-task=spark-tasks/pipeline-task\n");
            Files.writeString(definitions.resolve("tasks.dsl"), "hive-ddl = pipeline-task --spring.batch.job.names=hiveDdl\n");
            Files.writeString(definitions.resolve("streams.dsl"), "");
            Files.writeString(definitions.resolve("pipeline.properties"), "task.steelthread.pipeline.warehouse=${warehouse}\n");

            assertThat(cli("dataflow", "--definitions", definitions.toString(), "apply")).as(lastError).isZero();
            assertThat(lastOutput).contains("hive-ddl");
            DataFlowTemplate dataFlow = StackDefinitions.server(settings());
            List<String> tasks = StreamSupport.stream(dataFlow.taskOperations().list().spliterator(), false)
                    .map(TaskDefinitionResource::getName).toList();
            assertThat(tasks).contains("hive-ddl");
        });
    }

    /**
     * Data Flow deploys a stream by calling Skipper, which is secured too: the deploy, the status read and the
     * undeploy only work when Data Flow forwards the caller's token (no Kafka here: the apps need not get healthy,
     * Skipper must only take the release).
     */
    @Test
    void aStreamDeploysThroughSkipperWithTheCallersTokenForwarded() throws Exception {
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + settings().port("skipper") + "/api/packages")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as("Skipper without a token").isEqualTo(401);
        withClientCredentials(() -> {
            DataFlowTemplate dataFlow = StackDefinitions.server(settings());
            dataFlow.appRegistryOperations().register("game-api", ApplicationType.source,
                    settings().appJar("source-app").toUri().toString(), null, true);
            dataFlow.appRegistryOperations().register("event-processor", ApplicationType.processor,
                    settings().appJar("processor-app").toUri().toString(), null, true);
            dataFlow.streamOperations().createStream("secured-events", "game-api | event-processor > :secured-events-out", "", false);
            dataFlow.streamOperations().deploy("secured-events", Map.of("app.*.server.address", "127.0.0.1",
                    "app.game-api.server.port", String.valueOf(Ports.free()),
                    "app.game-api.management.server.port", String.valueOf(Ports.free()),
                    "app.event-processor.server.port", String.valueOf(Ports.free()),
                    "app.*.spring.cloud.stream.kafka.binder.brokers", "127.0.0.1:" + Ports.free()));
            assertThat(dataFlow.streamOperations().getStreamDefinition("secured-events").getStatus())
                    .as("the stream's state, as Skipper reports its release").isIn("deploying", "deployed", "partial",
                            "failed");
            assertThat(dataFlow.streamOperations().info("secured-events").getDeploymentProperties())
                    .contains("game-api");
            dataFlow.streamOperations().undeploy("secured-events");
            await(() -> "undeployed".equals(dataFlow.streamOperations().getStreamDefinition("secured-events")
                    .getStatus()), Duration.ofSeconds(60), "secured-events undeployed");
            dataFlow.streamOperations().destroy("secured-events");
        });
    }

    /**
     * A schedule fires a flow with no user behind it: the flow runner authenticates with the client credentials the
     * security file gives tasks, launches both children and ends with exit 0 (without them: it fails at start).
     */
    @Test
    void aScheduledFlowLaunchesItsChildrenWithItsOwnClientCredentials() {
        withClientCredentials(() -> {
            DataFlowTemplate dataFlow = StackDefinitions.server(settings());
            dataFlow.appRegistryOperations().register("probe", ApplicationType.task,
                    settings().appJar("flows/probe-task").toUri().toString(), null, true);
            dataFlow.taskOperations().create("secured-flow", "probe-a: probe && probe-b: probe", "");
            dataFlow.schedulerOperations().schedule("secured-every-5s", "secured-flow",
                    Map.of("scheduler.cron.expression", "0/5 * * * * ?"), List.of());
            TaskExecutionResource fired;
            try {
                fired = awaitExecution(dataFlow, "secured-flow", Duration.ofSeconds(60));
            }
            finally {
                dataFlow.schedulerOperations().unschedule("secured-every-5s");
            }
            await(() -> dataFlow.taskOperations().taskExecutionStatus(fired.getExecutionId()).getEndTime() != null,
                    Duration.ofSeconds(150), "the scheduled flow's end");
            TaskExecutionResource ended = dataFlow.taskOperations().taskExecutionStatus(fired.getExecutionId());
            assertThat(ended.getExitCode()).as("the flow's exit code (%s)", ended.getExitMessage()).isZero();
            for (String child : List.of("secured-flow-probe-a", "secured-flow-probe-b")) {
                assertThat(awaitExecution(dataFlow, child, Duration.ofSeconds(1)).getExitCode()).as(child).isZero();
            }
        });
    }

    private static TaskExecutionResource awaitExecution(DataFlowTemplate dataFlow, String task, Duration timeout) {
        java.util.concurrent.atomic.AtomicReference<TaskExecutionResource> found = new java.util.concurrent.atomic.AtomicReference<>();
        await(() -> {
            dataFlow.taskOperations().executionListByTaskName(task).getContent().stream().findFirst().ifPresent(found::set);
            return found.get() != null;
        }, timeout, "an execution of " + task);
        return found.get();
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within " + timeout.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(500);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static void withClientCredentials(ThrowingRunnable body) {
        System.setProperty("steelthread.dataflow.client-id", "steelthread");
        System.setProperty("steelthread.dataflow.client-secret", SECRET);
        System.setProperty("steelthread.dataflow.token-uri", "http://127.0.0.1:" + issuerPort + "/oauth2/token");
        System.setProperty("steelthread.dataflow.scopes", String.join(",",
                ROLES.stream().map(r -> "dataflow." + r.toLowerCase()).toList()));
        try {
            body.run();
        }
        catch (Exception e) {
            throw new AssertionError(e);
        }
        finally {
            clearCredentials();
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void theClientsErrorNamesTheServerAndTheSettings() {
        DataFlowConnection.AuthenticationException refused = org.junit.jupiter.api.Assertions.assertThrows(
                DataFlowConnection.AuthenticationException.class, () -> DataFlowConnection.open(
                        URI.create(settings().dataflowUri()), new DataFlowConnection.Credentials("not-a-jwt", null, null,
                                null, List.of()), "set a token"));
        assertThat(refused.getMessage()).contains(settings().dataflowUri()).contains("refused the token (401)");
    }

    private static void clearCredentials() {
        for (String key : List.of("client-id", "client-secret", "token-uri", "scopes")) {
            System.clearProperty("steelthread.dataflow." + key);
        }
    }

    private static StackSettings settings() {
        System.setProperty("steelthread.home", home.toString());
        return StackSettings.load();
    }

    private static LocalStack stack() {
        return new LocalStack(settings(), System.out);
    }

    private static int cli(String... args) {
        CommandRun run = CommandRun.of(home, args);
        lastOutput = run.out();
        lastError = run.err();
        return run.exit();
    }

    /** The identity provider a secured Data Flow trusts: a client-credentials client with the dataflow.* scopes. */
    @SpringBootConfiguration
    // The Data Flow client's own auto-configuration would connect to a server at start.
    @EnableAutoConfiguration(excludeName = "org.springframework.cloud.dataflow.rest.client.config.DataFlowClientAutoConfiguration")
    @Import(OAuth2AuthorizationServerConfiguration.class)
    static class Issuer {

        @Bean
        RegisteredClientRepository clients() {
            RegisteredClient.Builder client = RegisteredClient.withId("steelthread").clientId("steelthread")
                    .clientSecret("{noop}" + SECRET)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS);
            ROLES.forEach(role -> client.scope("dataflow." + role.toLowerCase()));
            return new InMemoryRegisteredClientRepository(client.build());
        }

        @Bean
        JWKSource<SecurityContext> keys() throws Exception {
            RSAKey key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        @Bean
        ProviderSettings providerSettings() {
            return ProviderSettings.builder().issuer("http://127.0.0.1:" + issuerPort).build();
        }
    }
}
