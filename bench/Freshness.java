import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Streaming freshness: for each sample, one event through the game API (timed from its 2xx), then Presto polled
 * until the row is visible in sword_purchases. Run by bench/freshness.sh with presto-jdbc on the classpath:
 * java -cp 'local-stack/cli/target/lib/*' bench/Freshness.java SOURCE_URL PRESTO_JDBC_URL SAMPLES
 */
public class Freshness {

    public static void main(String[] args) throws Exception {
        String source = args[0];
        String presto = args[1];
        int samples = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newHttpClient();
        List<Long> latencies = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(presto, "bench", null);
                PreparedStatement visible = c.prepareStatement(
                        "SELECT count(*) FROM sword_purchases WHERE element_at(attributes, 'marker') = ?")) {
            for (int i = 0; i < samples; i++) {
                String marker = UUID.randomUUID().toString();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(source + "/events/purchase_sword"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"sword_type\":\"katana\",\"marker\":\"" + marker + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                long acknowledged = System.nanoTime();
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("the API answered " + r.statusCode() + ": " + r.body());
                }
                visible.setString(1, marker);
                long deadline = acknowledged + 120_000_000_000L;
                while (true) {
                    try (ResultSet rs = visible.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            break;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("event " + marker + " not visible in Presto after 120 s");
                    }
                    Thread.sleep(200);
                }
                long ms = (System.nanoTime() - acknowledged) / 1_000_000;
                latencies.add(ms);
                System.out.printf("sample %2d: %5d ms from 2xx to visible in Presto%n", i + 1, ms);
                Thread.sleep(1000 + (long) (Math.random() * 2000));
            }
        }
        Collections.sort(latencies);
        System.out.printf("freshness over %d samples: p50 %d ms, p95 %d ms, max %d ms%n", latencies.size(),
                latencies.get(latencies.size() / 2), latencies.get((int) Math.ceil(latencies.size() * 0.95) - 1),
                latencies.get(latencies.size() - 1));
    }
}
