package io.steelthread.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The files a user loads into Prometheus and Grafana, checked as those tools read them: the dashboards as Grafana
 * dashboard JSON whose every panel and query uses the provisioned datasource; the scrape configuration, the
 * alert rules and their unit tests through promtool (Debian's prometheus package; CI installs it, a machine
 * without it skips these three with the reason). Queries and alerts on live data: DataFlowPipelineIT.
 */
class MonitoringFilesTest {

    static final Path MONITORING = Path.of("").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyDashboardIsGrafanaJsonOnTheProvisionedDatasource() throws IOException {
        Map<String, Object> provisioning = new Yaml().load(
                Files.readString(MONITORING.resolve("grafana/provisioning/datasources/steelthread.yml")));
        @SuppressWarnings("unchecked")
        Map<String, Object> datasource = ((List<Map<String, Object>>) provisioning.get("datasources")).get(0);
        assertThat(datasource).containsEntry("type", "prometheus");
        String uid = (String) datasource.get("uid");

        List<Path> dashboards = dashboards();
        assertThat(dashboards).hasSizeGreaterThanOrEqualTo(3);
        List<String> uids = new ArrayList<>();
        for (Path file : dashboards) {
            JsonNode d = JSON.readTree(file.toFile());
            assertThat(d.path("title").asText()).as(file.toString()).isNotBlank();
            assertThat(d.path("schemaVersion").asInt()).as(file.toString()).isPositive();
            uids.add(d.path("uid").asText());
            assertThat(d.path("panels").isArray() && d.path("panels").size() > 0).as(file.toString()).isTrue();
            for (JsonNode panel : d.path("panels")) {
                String where = file.getFileName() + " panel '" + panel.path("title").asText() + "'";
                assertThat(panel.path("type").asText()).as(where).isNotBlank();
                assertThat(panel.path("gridPos").has("w")).as(where).isTrue();
                assertThat(panel.path("datasource").path("uid").asText()).as(where).isEqualTo(uid);
                assertThat(panel.path("targets").size()).as(where).isPositive();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText()).as(where).isEqualTo(uid);
                    assertThat(target.path("expr").asText()).as(where).isNotBlank();
                    assertThat(target.path("refId").asText()).as(where).isNotBlank();
                }
            }
        }
        assertThat(uids).doesNotHaveDuplicates().doesNotContain("");
    }

    @Test
    void theScrapeConfigurationIsValid() throws Exception {
        assertThat(promtool("check", "config", "prometheus.yml")).contains("SUCCESS");
    }

    @Test
    void theAlertRulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", "rules/steelthread-alerts.yml")).contains("SUCCESS");
    }

    @Test
    void theAlertRulesPassTheirUnitTests() throws Exception {
        assertThat(promtool("test", "rules", "rules/tests/steelthread-alerts.test.yml")).contains("SUCCESS");
    }

    static List<Path> dashboards() throws IOException {
        try (var files = Files.list(MONITORING.resolve("grafana/dashboards"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** promtool's output; fails the test on a non-zero exit, with that output. */
    static String promtool(String... args) throws Exception {
        Optional<Path> promtool = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(promtool.isPresent(), "promtool is not installed (Debian package prometheus)");
        List<String> command = new ArrayList<>(List.of(promtool.get().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(MONITORING.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }
}
