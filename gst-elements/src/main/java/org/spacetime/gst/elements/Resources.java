package org.spacetime.gst.elements;

/** Closing what an element's state holds, in order, each even when one before failed. */
final class Resources {
    private Resources() {}

    /** Closes every non-null resource; the first failure is thrown after all were closed. */
    static void closeAll(AutoCloseable... resources) {
        RuntimeException first = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
