package org.spacetime.gst.jna;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** GObject type system, properties and values (direct mapping). GType is a pointer-sized integer. */
public final class GObject {
    static { Native.register(NativeLibrary.getInstance("gobject-2.0")); }

    private GObject() {}

    public static native long g_type_register_static(long parent, String name, Pointer info, int flags);
    public static native long g_type_from_name(String name);
    public static native void g_type_query(long type, Pointer query);
    public static native void g_type_add_interface_static(long type, long iface, Pointer info);
    public static native Pointer g_type_class_peek_parent(Pointer klass);
    public static native long g_enum_register_static(String name, Pointer values);

    public static native void g_object_class_install_property(Pointer klass, int id, Pointer pspec);
    public static native Pointer g_param_spec_int(String name, String nick, String blurb, int min, int max, int def, int flags);
    public static native Pointer g_param_spec_int64(String name, String nick, String blurb, long min, long max, long def, int flags);
    public static native Pointer g_param_spec_uint64(String name, String nick, String blurb, long min, long max, long def, int flags);
    public static native Pointer g_param_spec_double(String name, String nick, String blurb, double min, double max, double def, int flags);
    public static native Pointer g_param_spec_boolean(String name, String nick, String blurb, boolean def, int flags);
    public static native Pointer g_param_spec_string(String name, String nick, String blurb, String def, int flags);
    public static native Pointer g_param_spec_enum(String name, String nick, String blurb, long enumType, int def, int flags);

    public static native int g_value_get_int(Pointer v);
    public static native long g_value_get_int64(Pointer v);
    public static native long g_value_get_uint64(Pointer v);
    public static native double g_value_get_double(Pointer v);
    public static native boolean g_value_get_boolean(Pointer v);
    public static native String g_value_get_string(Pointer v);
    public static native int g_value_get_enum(Pointer v);
    public static native Pointer g_value_init(Pointer v, long type);
    public static native void g_value_unset(Pointer v);
    public static native void g_value_set_int(Pointer v, int x);
    public static native void g_value_set_int64(Pointer v, long x);
    public static native void g_value_set_uint64(Pointer v, long x);
    public static native void g_value_set_double(Pointer v, double x);
    public static native void g_value_set_boolean(Pointer v, boolean x);
    public static native void g_value_set_string(Pointer v, String x);
    public static native void g_value_set_enum(Pointer v, int x);

    public static native Pointer g_cclosure_new(Callback callback, Pointer userData, Pointer destroy);
    public static native int g_signal_newv(String name, long itype, int flags, Pointer classClosure, Pointer accumulator,
                                           Pointer accuData, Pointer marshaller, long returnType, int nParams, Pointer paramTypes);
    public static native void g_object_unref(Pointer obj);
}
