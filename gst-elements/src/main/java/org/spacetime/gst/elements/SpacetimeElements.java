package org.spacetime.gst.elements;

import java.util.List;

import org.spacetime.gst.framework.ElementProvider;
import org.spacetime.gst.framework.ElementType;

/** The elements the spacetime plugin registers. */
public final class SpacetimeElements implements ElementProvider {
    @Override
    public List<ElementType<?>> elementTypes() {
        return List.of(SpacetimeSrc.TYPE, SpacetimeExtend.TYPE, SpacetimeRestyle.TYPE, SpacetimeConnect.TYPE);
    }
}
