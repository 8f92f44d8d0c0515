package org.spacetime.gst.framework;

import org.spacetime.gst.jna.GstBase;

/**
 * Base for source elements (GstPushSrc). Override {@link #create} to produce buffers; the other
 * vfuncs have GstBaseSrc's defaults. Every method may throw: the framework posts the error and
 * returns the right flow value, so nothing escapes into native code.
 */
public abstract class PushSource extends Element {

    @Override
    protected void instanceInit() {
        GstBase.gst_base_src_set_format(handle(), Layout.get().constant("GST_FORMAT_TIME"));
    }

    /** READY->PAUSED: open resources. Throw ElementException with a clear message to fail. */
    protected void start() throws ElementException {}

    /** PAUSED->READY: release what start() took; reset state so a restart begins fresh. */
    protected void stop() {}

    /**
     * The next buffer, or null at end of stream.
     * @throws FlushingException when unlocked by {@link #unlock()} (flush or state change)
     */
    protected abstract Buffer create() throws ElementException, FlushingException;

    /** Interrupt a blocking {@link #create}: it must return promptly (FlushingException). */
    protected void unlock() {}

    /** Clear the unlock state set by {@link #unlock()}. */
    protected void unlockStop() {}

    /** Called with the negotiated caps. */
    protected void setCaps(Caps caps) throws ElementException {}

    /**
     * The caps this source can produce now, as a caps string (answers caps queries, so upstream
     * converters negotiate what it really makes); null: its pad template.
     */
    protected String caps() {
        return null;
    }

    /**
     * Downstream accepts none of {@link #caps()} (negotiation will fail as not-negotiated): post an
     * error that says what downstream wants and what this source can make.
     */
    protected void capsRefused(String downstream) {}

    /** Chooses preferred values in caps with ranges (e.g. the native size); GstBaseSrc fixates the rest. */
    protected void fixate(Caps caps) {}

    protected boolean isSeekable() {
        return false;
    }

    /**
     * Moves to {@code segment} (GstBaseSrc also calls this once at start with the initial segment).
     * Return false to refuse; the default accepts, as GstBaseSrc's default does.
     */
    protected boolean doSeek(Segment segment) {
        return true;
    }

    /** Stream duration in nanoseconds, or -1 when unknown (answers the duration query). */
    protected long durationNanos() {
        return -1;
    }

    /** Minimum latency in nanoseconds a live source adds (answers the latency query), or -1 for GstBaseSrc's answer. */
    protected long latencyNanos() {
        return -1;
    }

    protected final void setLive(boolean live) {
        GstBase.gst_base_src_set_live(handle(), live);
    }

    protected final boolean isLive() {
        return GstBase.gst_base_src_is_live(handle());
    }
}
