package org.spacetime.gst.framework;

import com.sun.jna.Pointer;

import org.spacetime.gst.jna.GLib;
import org.spacetime.gst.jna.Gst;

/** Writable caps being fixated: moves fields with ranges or lists to preferred values. */
public final class Caps {
    private final Pointer handle;

    Caps(Pointer handle) {
        this.handle = handle;
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
