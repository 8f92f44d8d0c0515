package org.spacetime.gst.framework;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Struct sizes, field offsets and enum values of GLib/GStreamer, as the C compiler saw them when
 * this jar was built (gst-layout.properties, made by generate-layout.c). Nothing here is copied by
 * hand; the native loader re-checks the same list at start-up against the headers it was built with.
 */
public final class Layout {
    private static final String RESOURCE = "/org/spacetime/gst/gst-layout.properties";
    private static volatile Layout instance;

    private final Properties values;

    private Layout(Properties values) {
        this.values = values;
    }

    public static Layout get() {
        Layout l = instance;
        if (l == null) {
            synchronized (Layout.class) {
                if (instance == null) {
                    instance = load();
                }
                l = instance;
            }
        }
        return l;
    }

    private static Layout load() {
        Properties p = new Properties();
        try (InputStream in = Layout.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar: it is generated at build time "
                        + "(mvn package) by gst-elements/src/main/c/generate-layout.c");
            }
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
        return new Layout(p);
    }

    public long offset(String struct, String field) {
        return number("offsetof." + struct + "." + field);
    }

    public long size(String struct) {
        return number("sizeof." + struct);
    }

    public int constant(String name) {
        return (int) number("const." + name);
    }

    private long number(String key) {
        String v = values.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("gst-layout.properties has no " + key
                    + ": add it to gst_layout_fields.h and rebuild");
        }
        return Long.parseLong(v.trim());
    }

    /**
     * Compares this layout with the one the native loader was compiled with (same format).
     * @return one line per difference; empty when they agree
     */
    public List<String> differencesFrom(String loaderLayout) {
        Properties other = new Properties();
        try {
            other.load(new StringReader(loaderLayout));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        List<String> diffs = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(values.stringPropertyNames());
        keys.addAll(other.stringPropertyNames());
        for (String k : keys) {
            if (k.equals("gst.version")) {
                continue;
            }
            String a = values.getProperty(k), b = other.getProperty(k);
            if (a == null || !a.equals(b)) {
                diffs.add(k + ": jar has " + a + ", loader has " + b);
            }
        }
        return diffs;
    }
}
