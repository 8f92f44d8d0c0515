package org.spacetime.gst.framework;

import com.sun.jna.Pointer;

import org.spacetime.gst.jna.GLib;
import org.spacetime.gst.jna.Gst;

/**
 * Caps handed to element code: while fixating, move fields with ranges or lists to preferred
 * values; once negotiated, read the fixed fields. Valid only during the call that receives it.
 */
public final class Caps {
    private final Pointer handle;

    Caps(Pointer handle) {
        this.handle = handle;
    }

    Pointer handle() {
        return handle;
    }

    /** Caps parsed from a string; the caller owns them ({@link #unref}). */
    static Caps parse(String caps) throws ElementException {
        Pointer p = Gst.gst_caps_from_string(caps);
        if (p == null) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "not valid caps: " + caps);
        }
        return new Caps(p);
    }

    void unref() {
        Gst.gst_caps_unref(handle);
    }

    public Caps nearestInt(String field, int target) {
        for (int i = 0; i < Gst.gst_caps_get_size(handle); i++) {
            Gst.gst_structure_fixate_field_nearest_int(Gst.gst_caps_get_structure(handle, i), field, target);
        }
        return this;
    }

    public Caps nearestFraction(String field, int num, int den) {
        for (int i = 0; i < Gst.gst_caps_get_size(handle); i++) {
            Gst.gst_structure_fixate_field_nearest_fraction(Gst.gst_caps_get_structure(handle, i), field, num, den);
        }
        return this;
    }

    public Caps preferString(String field, String value) {
        for (int i = 0; i < Gst.gst_caps_get_size(handle); i++) {
            Gst.gst_structure_fixate_field_string(Gst.gst_caps_get_structure(handle, i), field, value);
        }
        return this;
    }

    /** A fixed integer field of the first structure, e.g. width. */
    public int integer(String field) throws ElementException {
        int[] v = new int[1];
        if (!Gst.gst_structure_get_int(first(), field, v)) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "caps without a fixed " + field + ": " + this);
        }
        return v[0];
    }

    /** A fixed fraction field as {numerator, denominator}, e.g. framerate. */
    public int[] fraction(String field) throws ElementException {
        int[] n = new int[1], d = new int[1];
        if (!Gst.gst_structure_get_fraction(first(), field, n, d)) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "caps without a fixed " + field + ": " + this);
        }
        return new int[] {n[0], d[0]};
    }

    /** A string field (e.g. format), or null. */
    public String string(String field) throws ElementException {
        return Gst.gst_structure_get_string(first(), field);
    }

    private Pointer first() throws ElementException {
        if (Gst.gst_caps_get_size(handle) == 0) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "empty caps");
        }
        return Gst.gst_caps_get_structure(handle, 0);
    }

    @Override
    public String toString() {
        Pointer s = Gst.gst_caps_to_string(handle);
        try {
            return s.getString(0);
        } finally {
            GLib.g_free(s);
        }
    }
}
