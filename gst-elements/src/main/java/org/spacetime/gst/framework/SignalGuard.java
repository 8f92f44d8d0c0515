package org.spacetime.gst.framework;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * GStreamer resets SIGSEGV to its default after loading each plugin, removing the JVM's handler;
 * the JVM relies on SIGSEGV internally (implicit null checks, safepoints), so the next one would
 * kill or hang the process. When the native loader hosts the JVM it hands over a function that
 * re-installs the JVM's saved SIGSEGV/SIGBUS handlers when they are not in place; every call from
 * native code into Java runs it first. In a JVM started by Java itself it is never set.
 */
final class SignalGuard {
    private static final Logger LOG = LogManager.getLogger(SignalGuard.class);
    private static volatile boolean direct;
    private static volatile Function restore;

    /** Direct mapping of the loader's function: called on every callback, so no reflection per call. */
    static final class Loader {
        static native void spacetime_restore_jvm_signals();
    }

    private SignalGuard() {}

    static void install(long restoreFunction) {
        if (restoreFunction == 0) {
            return;
        }
        String loader = System.getProperty("spacetime.plugin");   // set by the loader when it starts the JVM
        if (loader != null) {
            try {
                Native.register(Loader.class, NativeLibrary.getInstance(loader));
                direct = true;
            } catch (Throwable t) {   // a JVM reused from an application: use the address instead
                LOG.debug("direct mapping of {} failed: {}", loader, t.toString());
            }
        }
        if (!direct) {
            restore = Function.getFunction(new Pointer(restoreFunction));
        }
        check();
    }

    static void check() {
        if (direct) {
            Loader.spacetime_restore_jvm_signals();
        } else {
            Function f = restore;
            if (f != null) {
                f.invokeVoid(new Object[0]);
            }
        }
    }
}
