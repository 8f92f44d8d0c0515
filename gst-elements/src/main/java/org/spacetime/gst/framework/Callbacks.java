package org.spacetime.gst.framework;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.spacetime.gst.jna.GLib;
import org.spacetime.gst.jna.Gst;

/**
 * The native entry points of every Java element: one static JNA callback per vfunc, shared by all
 * types, dispatching to the Java peer of the instance. Rules every callback follows:
 * <ul>
 * <li>it is held in a static field (a collected JNA callback is silently never called);</li>
 * <li>it never lets a Throwable escape: failures become an element ERROR and a flow error;</li>
 * <li>streaming threads attach to the JVM once, as daemons (CallbackThreadInitializer).</li>
 * </ul>
 */
final class Callbacks {
    private static final Logger LOG = LogManager.getLogger(Callbacks.class);
    private static final Layout L = Layout.get();
    private static final CallbackThreadInitializer THREADS = new CallbackThreadInitializer(true, false, "gst-java");

    /** Peers by GstElement address. */
    static final Map<Long, Element> PEERS = new ConcurrentHashMap<>();

    // ----- callback shapes
    interface ClassInit extends Callback { void invoke(Pointer klass, Pointer data); }
    interface InstanceInit extends Callback { void invoke(Pointer instance, Pointer klass); }
    interface PropertyAccess extends Callback { void invoke(Pointer object, int id, Pointer value, Pointer pspec); }
    interface ObjectFunc extends Callback { void invoke(Pointer object); }
    interface BoolFunc extends Callback { int invoke(Pointer element); }
    interface BoolPtrFunc extends Callback { int invoke(Pointer element, Pointer arg); }
    interface PtrPtrFunc extends Callback { Pointer invoke(Pointer element, Pointer arg); }
    interface CreateFunc extends Callback { int invoke(Pointer src, Pointer bufferOut); }
    interface GetTimesFunc extends Callback { void invoke(Pointer src, Pointer buffer, Pointer start, Pointer end); }
    interface ChangeStateFunc extends Callback { int invoke(Pointer element, int transition); }
    interface ChainFunc extends Callback { int invoke(Pointer pad, Pointer parent, Pointer buffer); }
    interface PadBoolFunc extends Callback { int invoke(Pointer pad, Pointer parent, Pointer arg); }
    interface TaskFunc extends Callback { void invoke(Pointer data); }
    interface ActionFunc extends Callback { void invoke(Pointer instance, Pointer data); }
    interface UriGetType extends Callback { int invoke(long gtype); }
    interface UriGetProtocols extends Callback { Pointer invoke(long gtype); }
    interface UriGetUri extends Callback { Pointer invoke(Pointer handler); }
    interface UriSetUri extends Callback { int invoke(Pointer handler, String uri, Pointer error); }

    // ----- GObject
    static final ClassInit CLASS_INIT = (klass, data) -> guard(() -> TypeRegistrar.classInit(klass));
    static final InstanceInit INSTANCE_INIT = (instance, klass) -> guard(() -> TypeRegistrar.instanceInit(instance, klass));
    static final PropertyAccess SET_PROPERTY = (obj, id, value, pspec) -> guard(() -> TypeRegistrar.setProperty(peer(obj), id, value));
    static final PropertyAccess GET_PROPERTY = (obj, id, value, pspec) -> guard(() -> TypeRegistrar.getProperty(peer(obj), id, value));
    static final ObjectFunc FINALIZE = obj -> {
        enter();
        try {
            Element p = PEERS.remove(Pointer.nativeValue(obj));
            if (p != null) {
                p.dispose();
            }
        } catch (Throwable t) {
            LOG.error("finalize failed", t);
        } finally {
            chainUpVoid(obj, "GObjectClass", "finalize");
        }
    };

    // ----- GstElement
    static final ChangeStateFunc CHANGE_STATE = (element, transition) -> {
        enter();
        int failure = L.constant("GST_STATE_CHANGE_FAILURE");
        try {
            Element p = peer(element);
            StateChange change = StateChange.of(transition);
            if (p instanceof PadElement pe) {
                pe.beforeStateChange(change);
            }
            int ret = chainUp(element, "GstElementClass", "change_state").invokeInt(new Object[] {element, transition});
            if (ret != failure && p instanceof PadElement pe) {
                pe.afterStateChange(change);
            }
            return ret;
        } catch (Throwable t) {
            fail(element, t);
            return failure;
        }
    };

    /**
     * GstElement.send_event: an EOS the application sends (to the pipeline, which passes it to its
     * sources) goes to {@link PadElement#applicationEos}; the default handler would push it into
     * the sink pad and wait there for the streaming thread. Other events are handled as by default.
     */
    static final BoolPtrFunc SEND_EVENT = (element, event) -> {
        enter();
        try {
            Element p = peer(element);
            if (p instanceof PadElement pe && pe.endsOnApplicationEos()
                    && event.getInt(L.offset("GstEvent", "type")) == L.constant("GST_EVENT_EOS")) {
                Gst.gst_mini_object_unref(event);
                pe.applicationEos();
                return 1;
            }
            return chainUp(element, "GstElementClass", "send_event").invokeInt(new Object[] {element, event});
        } catch (Throwable t) {
            fail(element, t);
            return 0;
        }
    };

    // ----- GstBaseSrc / GstPushSrc
    static final BoolFunc START = src -> bool(src, () -> { source(src).start(); return true; });
    static final BoolFunc STOP = src -> bool(src, () -> { source(src).stop(); return true; });
    static final BoolFunc UNLOCK = src -> bool(src, () -> { source(src).unlock(); return true; });
    static final BoolFunc UNLOCK_STOP = src -> bool(src, () -> { source(src).unlockStop(); return true; });
    static final BoolFunc IS_SEEKABLE = src -> bool(src, () -> source(src).isSeekable());
    static final BoolPtrFunc DO_SEEK = (src, segment) -> bool(src, () -> {
        PushSource source = source(src);
        Segment asked = Segment.read(segment);
        if (!source.doSeek(asked)) {
            return false;
        }
        // A source that knows where its stream ends closes the segment there, as demuxers do:
        // videorate then fills the last frame's time (without, 4 s at 8 fps became 3.88 s at 25 fps).
        long end = source.durationNanos();
        if (asked.isTime() && asked.rate() > 0 && asked.stop() == -1 && end >= 0 && asked.start() <= end
                && !source.isLive()) {
            Segment.writeStop(segment, end);
        }
        return true;
    });
    static final BoolPtrFunc SET_CAPS = (src, caps) -> bool(src, () -> { source(src).setCaps(new Caps(caps)); return true; });
    static final BoolPtrFunc SRC_QUERY = (src, query) -> bool(src, () -> {
        PushSource source = source(src);
        int type = query.getInt(L.offset("GstQuery", "type"));
        long latency = type == L.constant("GST_QUERY_LATENCY") ? source.latencyNanos() : -1;
        if (latency >= 0) {
            Gst.gst_query_set_latency(query, source.isLive(), latency, -1);
            return true;
        }
        long duration = source.durationNanos();
        if (type == L.constant("GST_QUERY_DURATION") && duration >= 0) {
            int[] format = new int[1];
            Gst.gst_query_parse_duration(query, format, new long[1]);
            if (format[0] == L.constant("GST_FORMAT_TIME")) {
                Gst.gst_query_set_duration(query, format[0], duration);
                return true;
            }
        }
        return chainUp(src, "GstBaseSrcClass", "query").invokeInt(new Object[] {src, query}) != 0;
    });
    /**
     * get_times: a live source's buffers are due at their timestamps (running time), so GstBaseSrc
     * waits on the clock for each, as videotestsrc does; a source that is not live is not synced.
     */
    static final GetTimesFunc GET_TIMES = (src, buffer, start, end) -> {
        enter();
        long from = -1, to = -1;
        try {
            if (source(src).isLive()) {
                Buffer b = Buffer.wrap(buffer);
                from = b.pts();
                to = from == Buffer.CLOCK_TIME_NONE || b.duration() == Buffer.CLOCK_TIME_NONE ? -1 : from + b.duration();
            }
        } catch (Throwable t) {
            fail(src, t);
        }
        start.setLong(0, from);
        end.setLong(0, to);
    };
    /** get_caps: the caps the source can produce now (its own answer, else GstBaseSrc's: the template). */
    static final PtrPtrFunc GET_CAPS = (src, filter) -> {
        enter();
        try {
            String own = source(src).caps();
            if (own != null) {
                Pointer caps = Gst.gst_caps_from_string(own);
                if (caps == null) {
                    throw new IllegalStateException("caps do not parse: " + own);
                }
                if (filter == null) {          // negotiation: say why, if downstream takes none of it
                    Pointer pad = Gst.gst_element_get_static_pad(src, "src");
                    Pointer peer = Gst.gst_pad_peer_query_caps(pad, null);
                    Gst.gst_object_unref(pad);
                    Pointer both = Gst.gst_caps_intersect(peer, caps);
                    if (Gst.gst_caps_is_empty(both)) {
                        source(src).capsRefused(new Caps(peer).toString());
                    }
                    Gst.gst_caps_unref(both);
                    Gst.gst_caps_unref(peer);
                    return caps;
                }
                Pointer both = Gst.gst_caps_intersect(filter, caps);
                Gst.gst_caps_unref(caps);
                return both;
            }
        } catch (Throwable t) {
            fail(src, t);
        }
        return (Pointer) chainUp(src, "GstBaseSrcClass", "get_caps").invoke(Pointer.class, new Object[] {src, filter});
    };
    static final PtrPtrFunc FIXATE = (src, caps) -> {
        enter();
        Pointer writable = Gst.gst_mini_object_make_writable(caps);
        try {
            source(src).fixate(new Caps(writable));
        } catch (Throwable t) {
            fail(src, t);
        }
        return (Pointer) chainUp(src, "GstBaseSrcClass", "fixate").invoke(Pointer.class, new Object[] {src, writable});
    };
    static final CreateFunc CREATE = (src, out) -> {
        enter();
        try {
            Buffer b = source(src).create();
            if (b == null) {
                return Flow.EOS;
            }
            out.setPointer(0, b.handle());
            return Flow.OK;
        } catch (FlushingException f) {
            return Flow.FLUSHING;
        } catch (Throwable t) {
            fail(src, t);
            return Flow.ERROR;
        }
    };

    // ----- pads of PadElement
    static final ChainFunc CHAIN = (pad, parent, buffer) -> {
        enter();
        try {
            return ((PadElement) peer(parent)).chain(Buffer.wrap(buffer));
        } catch (Throwable t) {
            fail(parent, t);
            return Flow.ERROR;
        }
    };
    static final PadBoolFunc SINK_EVENT = (pad, parent, event) ->
            bool(parent, () -> ((PadElement) peer(parent)).sinkEvent(new Event(event)));
    static final PadBoolFunc SRC_EVENT = (pad, parent, event) ->
            bool(parent, () -> ((PadElement) peer(parent)).srcEvent(new Event(event)));
    static final PadBoolFunc SRC_QUERY_FUNCTION = (pad, parent, query) ->
            bool(parent, () -> ((PadElement) peer(parent)).srcQuery(new Query(query)));
    static final TaskFunc TASK = data -> {
        enter();
        PadElement p = null;
        try {
            p = (PadElement) peer(data);
            p.taskIteration();
        } catch (Throwable t) {
            fail(data, t);
            if (p != null) {
                p.pauseTask();
            }
        }
    };

    // ----- action signals: user data is the index of the action in its ElementType
    @SuppressWarnings({"unchecked", "rawtypes"})
    static final ActionFunc ACTION = (instance, data) -> {
        enter();
        try {
            Element p = peer(instance);
            ElementType.ActionSignal a = p.elementType().actions.get((int) Pointer.nativeValue(data));
            a.handler().accept(p);
        } catch (Throwable t) {
            fail(instance, t);
        }
    };

    // ----- GstURIHandler
    static final UriGetType URI_GET_TYPE = gtype -> L.constant("GST_URI_SRC");
    static final UriGetProtocols URI_GET_PROTOCOLS = gtype -> TypeRegistrar.protocols(gtype);
    static final UriGetUri URI_GET_URI = handler -> {
        enter();
        try {
            String uri = ((UriHandler) peer(handler)).uri();
            return uri == null ? null : GLib.g_strdup(uri);
        } catch (Throwable t) {
            LOG.error("get_uri failed", t);
            return null;
        }
    };
    static final UriSetUri URI_SET_URI = (handler, uri, error) -> {
        enter();
        try {
            ((UriHandler) peer(handler)).setUri(uri);
            return 1;
        } catch (Throwable t) {
            LOG.warn("rejected URI {}: {}", uri, t.getMessage());
            GLib.g_set_error_literal(error, Gst.gst_uri_error_quark(), L.constant("GST_URI_ERROR_BAD_URI"),
                    String.valueOf(t.getMessage()));
            return 0;
        }
    };
    static final ClassInit URI_INTERFACE_INIT = (iface, data) -> guard(() -> {
        set(iface, "GstURIHandlerInterface", "get_type", URI_GET_TYPE);
        set(iface, "GstURIHandlerInterface", "get_protocols", URI_GET_PROTOCOLS);
        set(iface, "GstURIHandlerInterface", "get_uri", URI_GET_URI);
        set(iface, "GstURIHandlerInterface", "set_uri", URI_SET_URI);
    });

    static {
        for (Callback cb : new Callback[] {CLASS_INIT, INSTANCE_INIT, SET_PROPERTY, GET_PROPERTY, FINALIZE, CHANGE_STATE, SEND_EVENT,
                START, STOP, UNLOCK, UNLOCK_STOP, IS_SEEKABLE, DO_SEEK, SET_CAPS, SRC_QUERY, FIXATE, GET_CAPS, GET_TIMES, CREATE, CHAIN,
                SINK_EVENT, SRC_EVENT, SRC_QUERY_FUNCTION, TASK, ACTION, URI_GET_TYPE, URI_GET_PROTOCOLS, URI_GET_URI, URI_SET_URI, URI_INTERFACE_INIT}) {
            Native.setCallbackThreadInitializer(cb, THREADS);
        }
    }

    private Callbacks() {}

    /** Points the vfunc slot {@code struct.field} of {@code klass} at {@code cb}. */
    static void set(Pointer klass, String struct, String field, Callback cb) {
        klass.setPointer(L.offset(struct, field), CallbackReference.getFunctionPointer(cb));
    }

    static void installPadFunctions(Pointer sinkPad, Pointer srcPad) {
        Gst.gst_pad_set_chain_function_full(sinkPad, CHAIN, null, null);
        Gst.gst_pad_set_event_function_full(sinkPad, SINK_EVENT, null, null);
        Gst.gst_pad_set_event_function_full(srcPad, SRC_EVENT, null, null);
        Gst.gst_pad_set_query_function_full(srcPad, SRC_QUERY_FUNCTION, null, null);
    }

    // ----- helpers

    /** The Java peer of an instance; what this thread logs from now on names that element (GstDebugLog). */
    private static Element peer(Pointer instance) {
        Element p = PEERS.get(Pointer.nativeValue(instance));
        if (p == null) {
            throw new IllegalStateException("no Java peer for instance " + instance);
        }
        GstDebugLog.workingFor(p);
        return p;
    }

    static Element peerOrNull(long address) {
        return PEERS.get(address);
    }

    private static PushSource source(Pointer src) {
        return (PushSource) peer(src);
    }

    /** The parent class's implementation of a vfunc, for chaining up. */
    private static Function chainUp(Pointer instance, String struct, String field) {
        Pointer parentClass = TypeRegistrar.parentClassOf(instance);
        Pointer fn = parentClass.getPointer(L.offset(struct, field));
        if (fn == null) {
            throw new IllegalStateException("parent class has no " + struct + "." + field);
        }
        return Function.getFunction(fn);
    }

    private static void chainUpVoid(Pointer instance, String struct, String field) {
        try {
            chainUp(instance, struct, field).invokeVoid(new Object[] {instance});
        } catch (Throwable t) {
            LOG.error("chaining up {}.{} failed", struct, field, t);
        }
    }

    interface Body { boolean run() throws Exception; }

    private static int bool(Pointer element, Body body) {
        enter();
        try {
            return body.run() ? 1 : 0;
        } catch (Throwable t) {
            fail(element, t);
            return 0;
        }
    }

    interface Action { void run() throws Exception; }

    private static void guard(Action action) {
        enter();
        try {
            action.run();
        } catch (Throwable t) {
            LOG.error("element callback failed", t);
        }
    }

    private static void fail(Pointer element, Throwable t) {
        Element p = PEERS.get(Pointer.nativeValue(element));
        if (p != null) {
            LOG.debug("{} failed", p.elementType().factoryName, t);
            p.postFailure(t);
        } else {
            LOG.error("callback failed for an instance without a peer", t);
        }
    }

    /** Every entry from native code: re-arms the JVM's signal handlers if GStreamer replaced them. */
    private static void enter() {
        SignalGuard.check();
    }
}
