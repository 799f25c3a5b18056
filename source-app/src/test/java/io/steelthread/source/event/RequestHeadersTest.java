package io.steelthread.source.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RequestHeadersTest {

    @Test
    void credentialsAreDroppedWhateverTheirCaseAndNamesAreCanonical() {
        Map<String, List<String>> in = new LinkedHashMap<>();
        in.put("host", List.of("user1.comcast.com"));
        in.put("user-agent", List.of("ApacheBench/2.3"));
        in.put("AUTHORIZATION", List.of("Basic x"));
        in.put("cookie", List.of("a=b"));
        in.put("Proxy-Authorization", List.of("p"));
        in.put("set-cookie", List.of("s"));
        in.put("x-api-key", List.of("k"));
        in.put("x-forwarded-for", List.of("1.2.3.4", "5.6.7.8"));
        Map<String, String> out = new RequestHeaders(List.of("X-Api-Key")).loggable(in);
        assertThat(out).containsOnlyKeys("Host", "User-Agent", "X-Forwarded-For");
        assertThat(out.get("X-Forwarded-For")).isEqualTo("1.2.3.4, 5.6.7.8");
    }

    @Test
    void builtInCredentialsCannotBeConfiguredAway() {
        RequestHeaders headers = new RequestHeaders(List.of());
        assertThat(headers.isSensitive("Authorization")).isTrue();
        assertThat(headers.isSensitive("X-Api-Key")).isFalse();
    }
}
