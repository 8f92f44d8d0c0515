package org.spacetime.gst.framework;

import com.sun.jna.Function;
import com.sun.jna.Pointer;

/**
 * GStreamer resets SIGSEGV to its default after loading each plugin, removing the JVM's handler;
 * the JVM relies on SIGSEGV internally (implicit null checks, safepoints), so the next one would
 * kill or hang the process. When the native loader hosts the JVM it hands over a function that
 * re-installs the JVM's saved SIGSEGV/SIGBUS handlers when they are not in place; every call from
 * native code into Java runs it first. In a JVM started by Java itself it is never set.
 */
final class SignalGuard {
    private static volatile Function restore;

    private SignalGuard() {}

    static void install(long restoreFunction) {
        restore = restoreFunction == 0 ? null : Function.getFunction(new Pointer(restoreFunction));
        check();
    }

    static void check() {
        Function f = restore;
        if (f != null) {
            f.invokeVoid(new Object[0]);
        }
    }
}
