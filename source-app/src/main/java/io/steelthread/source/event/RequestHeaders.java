package io.steelthread.source.event;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The request headers an event carries, as the seed's {@code event.update(request.headers)} did: named as
 * Werkzeug names them ({@code User-Agent}, {@code X-Api-Key}), credentials removed.
 */
public final class RequestHeaders {

    /** Never logged, whatever the configuration says. */
    public static final Set<String> ALWAYS_SENSITIVE = Set.of("authorization", "cookie", "proxy-authorization",
            "set-cookie");

    private final Set<String> sensitive = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    public RequestHeaders(Collection<String> extraSensitive) {
        sensitive.addAll(ALWAYS_SENSITIVE);
        sensitive.addAll(extraSensitive);
    }

    public boolean isSensitive(String name) {
        return sensitive.contains(name);
    }

    /**
     * Keeps the non-sensitive headers under their canonical names; repeated headers are joined with ", " as
     * HTTP allows.
     */
    public Map<String, String> loggable(Map<String, ? extends Collection<String>> headers) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        headers.forEach((name, values) -> values.forEach(value -> pairs.add(Map.entry(name, value))));
        return loggable(pairs);
    }

    /** The same from name/value pairs as a server reads them (a repeated header is one pair per value). */
    public Map<String, String> loggable(Iterable<? extends Map.Entry<String, String>> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            if (!isSensitive(header.getKey())) {
                out.merge(canonical(header.getKey()), header.getValue(), (a, b) -> a + ", " + b);
            }
        }
        return out;
    }

    /** {@code user-agent} becomes {@code User-Agent}: upper case after every non-letter, lower case elsewhere. */
    static String canonical(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            b.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = !Character.isLetter(c);
        }
        return b.toString();
    }
}
