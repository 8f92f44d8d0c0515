package org.spacetime.gst.framework;

/** Implemented by Java elements that handle URIs (GstURIHandler); schemes are declared on the ElementType. */
public interface UriHandler {
    /** The current URI, or null. */
    String uri();

    /**
     * Configures the element from {@code uri}.
     * @throws IllegalArgumentException with a message naming what was wrong and what is accepted
     */
    void setUri(String uri);
}
