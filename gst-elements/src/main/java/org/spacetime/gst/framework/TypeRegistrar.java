package org.spacetime.gst.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.jna.CallbackReference;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.spacetime.gst.jna.GLib;
import org.spacetime.gst.jna.GObject;
import org.spacetime.gst.jna.Gst;
import org.spacetime.gst.jna.GstBase;

/**
 * Registers Java element types as GTypes (g_type_register_static with the parent's class and
 * instance sizes from g_type_query) and element factories, and runs class_init / instance_init.
 */
final class TypeRegistrar {
    private static final Logger LOG = LogManager.getLogger(TypeRegistrar.class);
    private static final Layout L = Layout.get();

    private static final Map<Long, Registered> BY_GTYPE = new ConcurrentHashMap<>();
    /** Native memory GLib keeps pointers into (type infos, enum tables, protocol lists). */
    private static final List<Object> KEEP_ALIVE = new ArrayList<>();

    /** The type being registered on this thread: its class_init can run before BY_GTYPE knows it. */
    private static final ThreadLocal<Registered> PENDING = new ThreadLocal<>();

    private record Registered(ElementType<?> type, long gtype, Pointer[] parentClass, long[] enumTypes, StringArray protocols) {}

    private TypeRegistrar() {}

    /** Registers {@code type} (once per process) and its element factory on {@code plugin} (null: static). */
    static synchronized long register(Pointer plugin, ElementType<?> type) {
        long gtype = GObject.g_type_from_name(type.typeName);
        if (gtype == 0) {
            gtype = registerType(type);
        } else if (!BY_GTYPE.containsKey(gtype)) {
            throw new IllegalStateException("GType name " + type.typeName + " is already taken by another library");
        }
        if (!Gst.gst_element_register(plugin, type.factoryName, type.rank, gtype)) {
            throw new IllegalStateException("gst_element_register failed for " + type.factoryName);
        }
        GstDebugLog.install();
        GstDebugLog.elementCategory(type);
        return gtype;
    }

    private static long registerType(ElementType<?> type) {
        long parent = type.isPushSource() ? GstBase.gst_push_src_get_type() : Gst.gst_element_get_type();
        Memory query = new Memory(L.size("GTypeQuery"));
        query.clear();
        GObject.g_type_query(parent, query);
        int classSize = query.getInt(L.offset("GTypeQuery", "class_size"));
        int instanceSize = query.getInt(L.offset("GTypeQuery", "instance_size"));

        Memory info = new Memory(L.size("GTypeInfo"));
        info.clear();
        info.setShort(L.offset("GTypeInfo", "class_size"), (short) classSize);
        info.setPointer(L.offset("GTypeInfo", "class_init"), CallbackReference.getFunctionPointer(Callbacks.CLASS_INIT));
        info.setShort(L.offset("GTypeInfo", "instance_size"), (short) instanceSize);
        info.setPointer(L.offset("GTypeInfo", "instance_init"), CallbackReference.getFunctionPointer(Callbacks.INSTANCE_INIT));
        KEEP_ALIVE.add(info);

        long[] enumTypes = new long[type.properties.size()];
        for (int i = 0; i < enumTypes.length; i++) {
            Property<?> p = type.properties.get(i);
            if (p.type == Property.Type.ENUM) {
                enumTypes[i] = registerEnum(p.enumTypeName(), p.enumClass);
            }
        }
        StringArray protocols = type.uriSchemes.isEmpty() ? null : new StringArray(type.uriSchemes.toArray(new String[0]));
        Registered r = new Registered(type, 0, new Pointer[1], enumTypes, protocols);
        // Recorded before registering: class_init may run as soon as the type exists.
        PENDING.set(r);
        long gtype = GObject.g_type_register_static(parent, type.typeName, info, 0);
        PENDING.remove();
        if (gtype == 0) {
            throw new IllegalStateException("g_type_register_static failed for " + type.typeName);
        }
        for (int i = 0; i < type.actions.size(); i++) {
            Pointer closure = GObject.g_cclosure_new(Callbacks.ACTION, new Pointer(i), null);
            int id = GObject.g_signal_newv(type.actions.get(i).name(), gtype,
                    L.constant("G_SIGNAL_RUN_LAST") | L.constant("G_SIGNAL_ACTION"), closure, null, null, null,
                    L.constant("G_TYPE_NONE"), 0, null);
            if (id == 0) {
                throw new IllegalStateException(type.factoryName + ": cannot create action signal " + type.actions.get(i).name());
            }
        }
        Registered done = new Registered(type, gtype, r.parentClass, enumTypes, protocols);
        BY_GTYPE.put(gtype, done);
        if (protocols != null) {
            KEEP_ALIVE.add(protocols);
            Memory iface = new Memory(L.size("GInterfaceInfo"));
            iface.clear();
            iface.setPointer(L.offset("GInterfaceInfo", "interface_init"),
                    CallbackReference.getFunctionPointer(Callbacks.URI_INTERFACE_INIT));
            KEEP_ALIVE.add(iface);
            GObject.g_type_add_interface_static(gtype, Gst.gst_uri_handler_get_type(), iface);
        }
        LOG.debug("registered {} as {} ({})", type.factoryName, type.typeName, gtype);
        return gtype;
    }

    private static long registerEnum(String name, Class<? extends Enum<?>> enumClass) {
        long existing = GObject.g_type_from_name(name);
        if (existing != 0) {
            return existing;
        }
        Enum<?>[] values = enumClass.getEnumConstants();
        int stride = (int) L.size("GEnumValue");
        Memory table = new Memory((long) stride * (values.length + 1));
        table.clear();
        for (Enum<?> v : values) {
            Property.Choice c = (Property.Choice) v;
            long base = (long) stride * v.ordinal();
            table.setInt(base, v.ordinal());
            // GLib keeps these pointers forever: GLib-owned copies, never freed.
            table.setPointer(base + Native.POINTER_SIZE, GLib.g_strdup(c.description()));
            table.setPointer(base + 2L * Native.POINTER_SIZE, GLib.g_strdup(c.nick()));
        }
        KEEP_ALIVE.add(table);
        return GObject.g_enum_register_static(name, table);
    }

    private static Registered registered(Pointer klass) {
        long gtype = klass.getLong(0);   // G_TYPE_FROM_CLASS: GTypeClass.g_type is the first field
        Registered r = BY_GTYPE.get(gtype);
        if (r == null) {
            r = PENDING.get();
        }
        if (r == null) {
            throw new IllegalStateException("class " + gtype + " is not a registered Java element type");
        }
        return r;
    }

    static void classInit(Pointer klass) {
        Registered r = registered(klass);
        ElementType<?> t = r.type;
        r.parentClass[0] = GObject.g_type_class_peek_parent(klass);
        Callbacks.set(klass, "GObjectClass", "set_property", Callbacks.SET_PROPERTY);
        Callbacks.set(klass, "GObjectClass", "get_property", Callbacks.GET_PROPERTY);
        Callbacks.set(klass, "GObjectClass", "finalize", Callbacks.FINALIZE);
        Gst.gst_element_class_set_metadata(klass, t.longName, t.klass, t.description, t.author);
        for (ElementType.PadTemplate pt : t.padTemplates) {
            Pointer caps = Gst.gst_caps_from_string(pt.caps());
            if (caps == null) {
                throw new IllegalArgumentException(t.factoryName + ": invalid caps in pad template: " + pt.caps());
            }
            int dir = L.constant(pt.isSource() ? "GST_PAD_SRC" : "GST_PAD_SINK");
            Gst.gst_element_class_add_pad_template(klass, Gst.gst_pad_template_new(pt.name(), dir, L.constant("GST_PAD_ALWAYS"), caps));
            Gst.gst_caps_unref(caps);
        }
        for (int i = 0; i < t.properties.size(); i++) {
            GObject.g_object_class_install_property(klass, i + 1, t.properties.get(i).createSpec(r.enumTypes[i]));
        }
        if (t.isPushSource()) {
            Callbacks.set(klass, "GstBaseSrcClass", "start", Callbacks.START);
            Callbacks.set(klass, "GstBaseSrcClass", "stop", Callbacks.STOP);
            Callbacks.set(klass, "GstBaseSrcClass", "unlock", Callbacks.UNLOCK);
            Callbacks.set(klass, "GstBaseSrcClass", "unlock_stop", Callbacks.UNLOCK_STOP);
            Callbacks.set(klass, "GstBaseSrcClass", "is_seekable", Callbacks.IS_SEEKABLE);
            Callbacks.set(klass, "GstBaseSrcClass", "do_seek", Callbacks.DO_SEEK);
            Callbacks.set(klass, "GstBaseSrcClass", "set_caps", Callbacks.SET_CAPS);
            Callbacks.set(klass, "GstBaseSrcClass", "query", Callbacks.SRC_QUERY);
            Callbacks.set(klass, "GstBaseSrcClass", "fixate", Callbacks.FIXATE);
            Callbacks.set(klass, "GstBaseSrcClass", "get_caps", Callbacks.GET_CAPS);
            Callbacks.set(klass, "GstBaseSrcClass", "get_times", Callbacks.GET_TIMES);
            Callbacks.set(klass, "GstPushSrcClass", "create", Callbacks.CREATE);
        } else {
            Callbacks.set(klass, "GstElementClass", "change_state", Callbacks.CHANGE_STATE);
            Callbacks.set(klass, "GstElementClass", "send_event", Callbacks.SEND_EVENT);
        }
    }

    static void instanceInit(Pointer instance, Pointer klass) {
        Registered r = registered(klass);
        Element peer = r.type.factory.get();
        peer.attach(instance, r.type);
        Callbacks.PEERS.put(Pointer.nativeValue(instance), peer);
        peer.instanceInit();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void setProperty(Element peer, int id, Pointer value) {
        Property p = peer.elementType().properties.get(id - 1);
        p.setFromGValue(peer, value);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void getProperty(Element peer, int id, Pointer value) {
        Property p = peer.elementType().properties.get(id - 1);
        p.getIntoGValue(peer, value);
    }

    static Pointer parentClassOf(Pointer instance) {
        return registered(instance.getPointer(0)).parentClass[0];
    }

    static Pointer protocols(long gtype) {
        Registered r = BY_GTYPE.get(gtype);
        return r == null || r.protocols == null ? null : r.protocols;
    }
}
