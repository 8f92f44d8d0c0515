package org.spacetime.gst.framework;

/** GstFlowReturn values, read from the compiled layout. */
public final class Flow {
    public static final int OK = Layout.get().constant("GST_FLOW_OK");
    public static final int EOS = Layout.get().constant("GST_FLOW_EOS");
    public static final int ERROR = Layout.get().constant("GST_FLOW_ERROR");
    public static final int FLUSHING = Layout.get().constant("GST_FLOW_FLUSHING");
    public static final int NOT_NEGOTIATED = Layout.get().constant("GST_FLOW_NOT_NEGOTIATED");

    private Flow() {}
}
