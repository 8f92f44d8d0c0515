package org.spacetime.gst.framework;

import java.util.List;

/**
 * Lists element types to register. Implementations are found with {@link java.util.ServiceLoader}
 * (META-INF/services/org.spacetime.gst.framework.ElementProvider), so the loader needs no list.
 */
public interface ElementProvider {
    List<ElementType<?>> elementTypes();
}
