package io.steelthread.dataflow.client;

import java.net.URI;
import java.util.List;

import org.springframework.cloud.common.security.core.support.OAuth2AccessTokenProvidingClientHttpRequestInterceptor;
import org.springframework.cloud.dataflow.rest.client.DataFlowTemplate;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestTemplate;

/**
 * Opens a Data Flow server, authenticating when it is secured (OAuth2 bearer tokens, as Data Flow 2.7's resource
 * server expects): a token given as it is, or one obtained with the client-credentials grant and renewed when it
 * expires. The local stack's server is not secured: no credentials, no header.
 */
public final class DataFlowConnection {

    /**
     * What to authenticate with; every field may be blank.
     *
     * @param accessToken  a bearer token, used as it is
     * @param clientId     with clientSecret and tokenUri: the client-credentials grant
     * @param scopes       scopes to ask for, e.g. dataflow.view, dataflow.create (blank: the client's defaults)
     */
    public record Credentials(String accessToken, String clientId, String clientSecret, String tokenUri,
            List<String> scopes) {

        public static Credentials none() {
            return new Credentials(null, null, null, null, List.of());
        }

        boolean hasToken() {
            return accessToken != null && !accessToken.isBlank();
        }

        boolean hasClient() {
            return clientId != null && !clientId.isBlank();
        }
    }

    /** The server refused the client's credentials, or asked for some and got none. */
    public static final class AuthenticationException extends RuntimeException {

        AuthenticationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private DataFlowConnection() {
    }

    /**
     * @param settings what the caller calls its credential settings, for the message when the server asks for some
     *                 (e.g. "set dataflow.access-token, or dataflow.client-id, … (README, Security)")
     */
    public static DataFlowTemplate open(URI server, Credentials credentials, String settings) {
        RestTemplate rest = DataFlowTemplate.getDefaultDataflowRestTemplate();
        if (credentials.hasToken()) {
            rest.getInterceptors().add(new OAuth2AccessTokenProvidingClientHttpRequestInterceptor(credentials.accessToken()));
        }
        else if (credentials.hasClient()) {
            rest.getInterceptors().add(clientCredentials(credentials));
        }
        try {
            // The template reads the server's root and about resources as it is made (secured: both need a token) and
            // turns errors into its own exception; a plain request first tells a refused token from other failures.
            RestTemplate probe = new RestTemplate();
            probe.setInterceptors(rest.getInterceptors());
            probe.getForEntity(server.resolve("/about"), String.class);
            return new DataFlowTemplate(server, rest);
        }
        catch (HttpClientErrorException.Unauthorized e) {
            throw new AuthenticationException("Data Flow at " + server + " requires authentication and "
                    + (credentials.hasToken() || credentials.hasClient() ? "refused the token (401)"
                            : "no credentials are configured")
                    + ": " + settings, e);
        }
        catch (HttpClientErrorException.Forbidden e) {
            throw new AuthenticationException("Data Flow at " + server + " accepted the token but refused the call "
                    + "(403): the token lacks a scope its role mappings need (e.g. dataflow.view)", e);
        }
        catch (OAuth2AuthorizationException e) {
            throw new AuthenticationException("no token for Data Flow from " + credentials.tokenUri() + ": "
                    + e.getError(), e);
        }
    }

    /** Spring Security's OAuth2 client: fetches a token, keeps it, asks again when it has expired. */
    private static ClientHttpRequestInterceptor clientCredentials(Credentials credentials) {
        ClientRegistration.Builder builder = ClientRegistration.withRegistrationId("dataflow")
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .clientId(credentials.clientId()).clientSecret(credentials.clientSecret())
                .tokenUri(credentials.tokenUri());
        if (!credentials.scopes().isEmpty()) {
            builder.scope(credentials.scopes());
        }
        InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(builder.build());
        AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
                registrations, new InMemoryOAuth2AuthorizedClientService(registrations));
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials().build());
        OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId("dataflow")
                .principal("steelthread").build();
        return (httpRequest, body, execution) -> {
            OAuth2AuthorizedClient client = manager.authorize(request);
            httpRequest.getHeaders().setBearerAuth(client.getAccessToken().getTokenValue());
            return execution.execute(httpRequest, body);
        };
    }
}
