package org.spacetime.gst.elements;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.spacetime.gst.framework.Property;

/** spacetime:///?name=value&... (or spacetime:///name=value&...): the parameters are spacetimesrc's properties. */
final class SpacetimeUri {
    private SpacetimeUri() {}

    /**
     * Sets the element's properties from the URI. The parameters may follow "?" (the usual form) or
     * stand right after "spacetime:///" (ges-launch-1.0's +clip parser cuts URIs at "?", and it
     * unescapes %20 before the element sees the URI, so literal spaces are accepted too).
     */
    static void apply(String text, SpacetimeSrc src) {
        if (text == null || !text.regionMatches(true, 0, "spacetime:", 0, 10)) {
            throw new IllegalArgumentException("expected a spacetime:// URI, got " + text);
        }
        String query = text.substring(10).replaceFirst("^/*", "");
        if (query.startsWith("?")) {
            query = query.substring(1);
        }
        if (query.isEmpty()) {
            throw new IllegalArgumentException("spacetime URI without parameters: " + text
                    + "; expected e.g. spacetime:///?prompt=a%20red%20circle%20moves%20left%20on%20a%20black%20background");
        }
        for (String pair : query.split("&")) {
            String[] kv = pair.split("=", 2);
            String name = URLDecoder.decode(kv[0], StandardCharsets.UTF_8);
            String value = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
            set(src, name, value);
        }
    }

    private static void set(SpacetimeSrc src, String name, String value) {
        Property<SpacetimeSrc> p = SpacetimeSrc.TYPE.properties().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown spacetime URI parameter '" + name + "'; accepted: "
                        + String.join(", ", SpacetimeSrc.TYPE.properties().stream().map(Property::name).toList())));
        try {
            p.setFromString(src, value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("spacetime URI parameter " + name + "=" + value + ": " + e.getMessage(), e);
        }
    }

    static String format(SpacetimeSrc src) {
        StringBuilder b = new StringBuilder("spacetime:///?");
        String sep = "";
        for (Property<SpacetimeSrc> p : SpacetimeSrc.TYPE.properties()) {
            String v = p.valueAsString(src);
            if (v != null && !v.isEmpty() && !v.equals(p.defaultAsString())) {
                b.append(sep).append(p.name()).append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
                sep = "&";
            }
        }
        return b.toString();
    }
}
