package org.spacetime.gst.elements;

import java.nio.file.Path;

/**
 * Where the shipped default package is: under -Dspacetime.models, which the installer writes into
 * the plugin's conf (its own copy of the package, beside the installed jars), else under ./models.
 */
final class DefaultModel {
    private DefaultModel() {}

    static String path() {
        return Path.of(System.getProperty("spacetime.models", "models"), "spacetime-world-v1").toString();
    }
}
