package org.spacetime.gst.jna;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** libgstreamer-1.0 (direct mapping). Only what the element framework needs. */
public final class Gst {
    static { Native.register(NativeLibrary.getInstance("gstreamer-1.0")); }

    private Gst() {}

    public static native void gst_init(Pointer argc, Pointer argv);
    public static native long gst_element_get_type();
    public static native long gst_uri_handler_get_type();
    public static native boolean gst_element_register(Pointer plugin, String name, int rank, long type);
    public static native void gst_element_class_set_metadata(Pointer klass, String longName, String klassName,
                                                             String description, String author);
    public static native void gst_element_class_add_pad_template(Pointer klass, Pointer template);
    public static native Pointer gst_element_class_get_pad_template(Pointer klass, String name);
    public static native Pointer gst_pad_template_new(String name, int direction, int presence, Pointer caps);
    public static native Pointer gst_caps_from_string(String caps);
    public static native Pointer gst_caps_to_string(Pointer caps);
    public static native Pointer gst_caps_fixate(Pointer caps);
    public static native void gst_caps_unref(Pointer caps);
    public static native Pointer gst_caps_intersect(Pointer caps1, Pointer caps2);
    public static native boolean gst_caps_is_empty(Pointer caps);
    public static native Pointer gst_pad_peer_query_caps(Pointer pad, Pointer filter);
    public static native Pointer gst_element_get_static_pad(Pointer element, String name);
    public static native void gst_object_unref(Pointer object);
    public static native Pointer gst_caps_get_structure(Pointer caps, int index);
    public static native int gst_caps_get_size(Pointer caps);
    public static native boolean gst_structure_get_int(Pointer s, String field, int[] value);
    public static native boolean gst_structure_get_fraction(Pointer s, String field, int[] num, int[] den);
    public static native String gst_structure_get_string(Pointer s, String field);
    public static native boolean gst_structure_fixate_field_nearest_int(Pointer s, String field, int target);
    public static native boolean gst_structure_fixate_field_nearest_fraction(Pointer s, String field, int num, int den);
    public static native boolean gst_structure_fixate_field_string(Pointer s, String field, String target);
    public static native Pointer gst_element_make_from_uri(int type, String uri, String name, Pointer error);
    public static native Pointer gst_element_get_factory(Pointer element);

    public static native boolean gst_element_add_pad(Pointer element, Pointer pad);
    public static native Pointer gst_pad_new_from_template(Pointer template, String name);
    public static native void gst_pad_set_chain_function_full(Pointer pad, Callback chain, Pointer data, Pointer notify);
    public static native void gst_pad_set_event_function_full(Pointer pad, Callback event, Pointer data, Pointer notify);
    public static native boolean gst_pad_event_default(Pointer pad, Pointer parent, Pointer event);
    public static native void gst_pad_set_query_function_full(Pointer pad, Callback query, Pointer data, Pointer notify);
    public static native boolean gst_pad_query_default(Pointer pad, Pointer parent, Pointer query);
    public static native boolean gst_pad_peer_query(Pointer pad, Pointer query);
    public static native Pointer gst_query_new_latency();
    public static native void gst_query_parse_latency(Pointer query, int[] live, long[] min, long[] max);
    public static native Pointer gst_message_new_latency(Pointer src);
    public static native int gst_pad_push(Pointer pad, Pointer buffer);
    public static native boolean gst_pad_push_event(Pointer pad, Pointer event);
    public static native boolean gst_pad_start_task(Pointer pad, Callback func, Pointer data, Pointer notify);
    public static native boolean gst_pad_pause_task(Pointer pad);
    public static native boolean gst_pad_stop_task(Pointer pad);
    public static native void gst_event_parse_caps(Pointer event, Pointer capsOut);
    public static native void gst_event_parse_segment(Pointer event, Pointer segmentOut);
    public static native void gst_event_parse_latency(Pointer event, long[] latency);
    public static native Pointer gst_event_new_segment(Pointer segment);
    public static native int gst_event_get_seqnum(Pointer event);
    public static native void gst_event_set_seqnum(Pointer event, int seqnum);
    public static native Pointer gst_segment_copy(Pointer segment);
    public static native void gst_segment_free(Pointer segment);
    public static native long gst_segment_to_running_time(Pointer segment, int format, long position);
    public static native void gst_mini_object_unref(Pointer obj);
    public static native Pointer gst_mini_object_make_writable(Pointer obj);

    public static native Pointer gst_buffer_new_allocate(Pointer allocator, long size, Pointer params);
    public static native boolean gst_buffer_map(Pointer buffer, Pointer info, int flags);
    public static native void gst_buffer_unmap(Pointer buffer, Pointer info);
    public static native long gst_buffer_get_size(Pointer buffer);
    public static native Pointer gst_buffer_get_meta(Pointer buffer, long api);

    public static native Pointer gst_structure_from_string(String s, Pointer end);
    public static native Pointer gst_message_new_element(Pointer src, Pointer structure);
    public static native Pointer gst_message_get_structure(Pointer message);
    public static native Pointer _gst_debug_category_new(String name, int color, String description);
    public static native int gst_debug_category_get_threshold(Pointer category);
    public static native void gst_debug_log_literal(Pointer category, int level, String file, String function, int line,
                                                    Pointer object, String message);
    public static native void gst_structure_set_value(Pointer structure, String field, Pointer value);
    public static native Pointer gst_message_new_progress(Pointer src, int type, String code, String text);
    public static native boolean gst_element_post_message(Pointer element, Pointer message);
    public static native void gst_element_message_full(Pointer element, int type, int domain, int code, Pointer text,
                                                       Pointer debug, String file, String function, int line);
    public static native int gst_core_error_quark();
    public static native int gst_library_error_quark();
    public static native int gst_resource_error_quark();
    public static native int gst_stream_error_quark();
    public static native int gst_uri_error_quark();

    public static native void gst_query_set_latency(Pointer query, boolean live, long min, long max);
    public static native long gst_element_get_current_running_time(Pointer element);
    public static native Pointer gst_mini_object_ref(Pointer obj);
    public static native void gst_query_set_duration(Pointer query, int format, long duration);
    public static native void gst_query_parse_duration(Pointer query, int[] format, long[] duration);
    public static native Pointer gst_object_get_name(Pointer object);
}
