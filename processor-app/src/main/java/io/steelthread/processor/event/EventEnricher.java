package io.steelthread.processor.event;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;
import com.google.common.net.HostAndPort;
import com.google.common.net.InternetDomainName;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * Adds what downstream queries group by: {@code event_date}/{@code event_hour} (UTC, from {@code event_ts}, the
 * table partitions), the player and ISP domain from {@code Host} ({@code user1.comcast.com} is player
 * {@code user1} at {@code comcast.com}), and the parsed {@code User-Agent}.
 */
public class EventEnricher {

    public static final String EVENT_DATE = "event_date";
    public static final String EVENT_HOUR = "event_hour";
    public static final String PLAYER = "player";
    public static final String ISP = "isp";
    public static final String UA_FAMILY = "ua_family";
    public static final String UA_VERSION = "ua_version";
    public static final String OS_FAMILY = "os_family";
    public static final String DEVICE_FAMILY = "device_family";

    private final Parser userAgents;
    /**
     * A game's traffic comes from its players' hosts again and again; the public-suffix lookup is a tenth of the
     * processor's CPU (JFR), so its answers are kept, a bounded number.
     */
    private final LoadingCache<String, Player> players = CacheBuilder.newBuilder().maximumSize(100_000)
            .build(CacheLoader.from(EventEnricher::player));

    public EventEnricher(Parser userAgents) {
        this.userAgents = userAgents;
    }

    public ObjectNode enrich(ObjectNode event) {
        ZonedDateTime ts = eventTime(event.path("event_ts").asText());
        event.put(EVENT_DATE, ts.toLocalDate().toString());
        event.put(EVENT_HOUR, ts.getHour());
        String host = event.path("Host").asText("");
        if (!host.isEmpty()) {
            Player player = players.getUnchecked(host);
            event.put(PLAYER, player.name());
            event.put(ISP, player.isp());
        }
        String ua = event.path("User-Agent").asText("");
        if (!ua.isEmpty()) {
            Client client = userAgents.parse(ua);
            event.put(UA_FAMILY, client.userAgent.family);
            event.put(UA_VERSION, version(client.userAgent.major, client.userAgent.minor));
            event.put(OS_FAMILY, client.os.family);
            event.put(DEVICE_FAMILY, client.device.family);
        }
        return event;
    }

    static ZonedDateTime eventTime(String eventTs) {
        try {
            return Instant.parse(eventTs).atZone(ZoneOffset.UTC);
        }
        catch (DateTimeParseException e) {
            try {
                return ZonedDateTime.parse(eventTs, DateTimeFormatter.ISO_OFFSET_DATE_TIME).withZoneSameInstant(ZoneOffset.UTC);
            }
            catch (DateTimeParseException again) {
                throw new RejectedEventException(RejectedEventException.BAD_EVENT_TS, "event_ts '" + eventTs + "' is not an ISO-8601 instant");
            }
        }
    }

    /**
     * The ISP is the registrable domain (public suffix list: {@code user1.example.co.uk} is at
     * {@code example.co.uk}); the player is what stands before it. A host that is no domain name (localhost,
     * an IP address) is the player itself, with no ISP.
     */
    static Player player(String hostHeader) {
        String host;
        try {
            host = HostAndPort.fromString(hostHeader.trim()).getHost().toLowerCase(Locale.ROOT);
        }
        catch (IllegalArgumentException e) {
            return new Player(hostHeader.trim(), "");
        }
        if (InternetDomainName.isValid(host)) {
            InternetDomainName name = InternetDomainName.from(host);
            if (name.isUnderPublicSuffix() && !name.isTopPrivateDomain()) {
                String isp = name.topPrivateDomain().toString();
                return new Player(host.substring(0, host.length() - isp.length() - 1), isp);
            }
            if (name.isTopPrivateDomain()) {
                return new Player(host, host);
            }
        }
        return new Player(host, "");
    }

    private static String version(String major, String minor) {
        if (major == null) {
            return "";
        }
        return minor == null ? major : major + "." + minor;
    }

    record Player(String name, String isp) {
    }
}
