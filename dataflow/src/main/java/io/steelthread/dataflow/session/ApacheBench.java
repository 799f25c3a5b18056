package io.steelthread.dataflow.session;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.http.HttpRequestInterceptor;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/**
 * The seed's {@code ab -n N -H "Host: …" URL}: ApacheBench itself when it is installed, otherwise the same N
 * sequential GETs with the same request headers ({@code Host}, ab's {@code User-Agent} and {@code Accept}, nothing
 * else) from Apache HttpClient, so the events — and everything the demo prints from them — are the same either way.
 * (Java 17's own client adds {@code Content-Length: 0} to a GET, which would land in every event.)
 */
final class ApacheBench {

    /** What ab sends besides Host. */
    static final String USER_AGENT = "ApacheBench/2.3";

    private final Optional<Path> ab;
    private final PrintStream out;
    private CloseableHttpClient http;

    ApacheBench(Optional<Path> ab, PrintStream out) {
        this.ab = ab;
        this.out = out;
    }

    static ApacheBench detect(PrintStream out) {
        return new ApacheBench(Tools.find("ab"), out);
    }

    /** Which client sends the requests, for the demo's header. */
    String describe() {
        return ab.map(p -> "ab (ApacheBench) at " + p)
                .orElse("built-in HTTP client (ab not installed: apt-get install apache2-utils to use it)");
    }

    /** Sends {@code requests} GETs; prints ab's summary lines; fails unless every request got a 2xx. */
    void run(int requests, String host, String url) throws IOException, InterruptedException {
        out.println("$ ab -n " + requests + " -H \"Host: " + host + "\" " + url);
        if (ab.isPresent()) {
            runAb(requests, host, url);
        }
        else {
            runBuiltIn(requests, host, url);
        }
    }

    private void runAb(int requests, String host, String url) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(ab.get().toString(), "-n", String.valueOf(requests), "-H",
                "Host: " + host, url)).redirectErrorStream(true).start();
        String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0
                || !report.matches("(?s).*Failed requests:\\s+0\\b.*") || report.contains("Non-2xx responses")) {
            throw new IOException("ab failed:\n" + report);
        }
        report.lines().filter(l -> l.startsWith("Complete requests") || l.startsWith("Failed requests")
                || l.startsWith("Requests per second")).forEach(l -> out.println("    " + l));
    }

    private void runBuiltIn(int requests, String host, String url) throws IOException {
        if (http == null) {
            http = HttpClients.custom().disableContentCompression().disableCookieManagement()
                    .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(5_000).setSocketTimeout(30_000).build())
                    // ab sends no Connection header; HTTP/1.1 keeps the connection open without one.
                    .addInterceptorLast((HttpRequestInterceptor) (request, context) -> request.removeHeaders("Connection"))
                    .build();
        }
        int failed = 0;
        String firstFailure = null;
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            HttpGet get = new HttpGet(url);
            get.setHeader("Host", host);
            get.setHeader("User-Agent", USER_AGENT);
            get.setHeader("Accept", "*/*");
            try (CloseableHttpResponse response = http.execute(get)) {
                int status = response.getStatusLine().getStatusCode();
                String body = EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                if (status / 100 != 2) {
                    failed++;
                    if (firstFailure == null) {
                        firstFailure = status + " " + body;
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("    Complete requests:      %d%n", requests);
        out.printf("    Failed requests:        %d%n", failed);
        out.printf("    Requests per second:    %.2f [#/sec] (mean)%n", requests / seconds);
        if (failed > 0) {
            throw new IOException(failed + " of " + requests + " requests to " + url + " failed; first: " + firstFailure);
        }
    }
}
