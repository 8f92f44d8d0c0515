package org.spacetime.gst.framework;

import java.util.List;
import java.util.ServiceLoader;

import com.sun.jna.Pointer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Where the native loader (plugin/, libgstspacetime.so) enters Java, from plugin_init: checks the
 * loader's compiled struct layout against this jar's, installs the signal guard, and registers
 * every element type the {@link ElementProvider}s on the class path list.
 */
public final class PluginEntry {
    private static final Logger LOG = LogManager.getLogger(PluginEntry.class);
    private static volatile String lastError = "";

    private PluginEntry() {}

    /**
     * @param plugin the GstPlugin* being initialised
     * @param restoreSignals address of the loader's "re-install the JVM's signal handlers" function (0: none)
     * @param loaderLayout the layout the loader was compiled with, in gst-layout.properties syntax
     * @return true when every type registered; false with {@link #lastError()} set otherwise
     */
    public static boolean init(long plugin, long restoreSignals, String loaderLayout) {
        try {
            SignalGuard.install(restoreSignals);
            List<String> diffs = Layout.get().differencesFrom(loaderLayout);
            if (!diffs.isEmpty()) {
                return failed("the jar was built against different GStreamer headers than the loader: " + diffs
                        + "; rebuild and reinstall (install/setup-debian.sh)");
            }
            int n = registerAll(new Pointer(plugin));
            LOG.debug("spacetime plugin: registered {} element types", n);
            return true;
        } catch (Throwable t) {
            LOG.error("spacetime plugin init failed", t);
            return failed(t.toString());
        }
    }

    /** Registers every provided element type; {@code plugin} null registers them statically (in-JVM use). */
    public static synchronized int registerAll(Pointer plugin) {
        int n = 0;
        for (ElementProvider p : ServiceLoader.load(ElementProvider.class, PluginEntry.class.getClassLoader())) {
            for (ElementType<?> t : p.elementTypes()) {
                TypeRegistrar.register(plugin, t);
                n++;
            }
        }
        return n;
    }

    /** Registers one type in this process, without a plugin (applications and tests). */
    public static long register(ElementType<?> type) {
        return TypeRegistrar.register(null, type);
    }

    /** Why the last {@link #init} failed; read by the loader to log it. */
    public static String lastError() {
        return lastError;
    }

    private static boolean failed(String why) {
        lastError = why;
        LOG.error(why);
        return false;
    }
}
