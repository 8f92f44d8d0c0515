package org.spacetime.gst.elements;

import com.sun.jna.NativeLibrary;

/**
 * Run once by install/install-plugin.sh: prints the system library directories JNA searches (its
 * {@code jna.platform.library.path}), for the plugin's JVM options. Without that option JNA works
 * them out at every start by running {@code /sbin/ldconfig -p} in a child process (a fork, JDK's
 * spawn helper and ldconfig: about 40 ms of each plugin load here). The value printed is the one
 * JNA computes on this system, so the plugin finds the same libraries; re-running the install
 * after adding library directories updates it.
 */
public final class JnaPlatformLibraryPath {
    private static final String PROPERTY = "jna.platform.library.path";

    private JnaPlatformLibraryPath() {}

    /** The path JNA uses on this system (its class initialisation sets the property when unset). */
    static String compute() {
        try {
            Class.forName(NativeLibrary.class.getName(), true, JnaPlatformLibraryPath.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("JNA is not on the class path", e);
        }
        return System.getProperty(PROPERTY, "");
    }

    public static void main(String[] args) {
        // The install script reads this line: a command-line tool's output, not a log.
        System.out.println(compute());
    }
}
