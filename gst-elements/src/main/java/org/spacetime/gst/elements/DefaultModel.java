package org.spacetime.gst.elements;

import java.nio.file.Path;

/** Where the shipped default package is: -Dspacetime.models (written by the installer) or ./models. */
final class DefaultModel {
    private DefaultModel() {}

    static String path() {
        return Path.of(System.getProperty("spacetime.models", "models"), "spacetime-world-v1").toString();
    }
}
