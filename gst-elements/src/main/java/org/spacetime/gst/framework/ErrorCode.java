package org.spacetime.gst.framework;

import java.util.function.IntSupplier;

import org.spacetime.gst.jna.Gst;

/** GStreamer error domains and codes an element may report (GST_ELEMENT_ERROR's domain and code). */
public enum ErrorCode {
    CORE_FAILED(Gst::gst_core_error_quark, "GST_CORE_ERROR_FAILED"),
    CORE_NEGOTIATION(Gst::gst_core_error_quark, "GST_CORE_ERROR_NEGOTIATION"),
    LIBRARY_INIT(Gst::gst_library_error_quark, "GST_LIBRARY_ERROR_INIT"),
    LIBRARY_SETTINGS(Gst::gst_library_error_quark, "GST_LIBRARY_ERROR_SETTINGS"),
    RESOURCE_NOT_FOUND(Gst::gst_resource_error_quark, "GST_RESOURCE_ERROR_NOT_FOUND"),
    RESOURCE_OPEN_READ(Gst::gst_resource_error_quark, "GST_RESOURCE_ERROR_OPEN_READ"),
    RESOURCE_SETTINGS(Gst::gst_resource_error_quark, "GST_RESOURCE_ERROR_SETTINGS"),
    STREAM_FAILED(Gst::gst_stream_error_quark, "GST_STREAM_ERROR_FAILED"),
    STREAM_FORMAT(Gst::gst_stream_error_quark, "GST_STREAM_ERROR_FORMAT"),
    STREAM_DECODE(Gst::gst_stream_error_quark, "GST_STREAM_ERROR_DECODE");

    private final IntSupplier domain;
    private final String constant;

    ErrorCode(IntSupplier domain, String constant) {
        this.domain = domain;
        this.constant = constant;
    }

    int domain() {
        return domain.getAsInt();
    }

    int code() {
        return Layout.get().constant(constant);
    }
}
