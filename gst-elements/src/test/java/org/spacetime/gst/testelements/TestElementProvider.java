package org.spacetime.gst.testelements;

import java.util.List;

import org.spacetime.gst.framework.ElementProvider;
import org.spacetime.gst.framework.ElementType;

/** The test-only elements (found through META-INF/services on the test class path). */
public class TestElementProvider implements ElementProvider {
    @Override
    public List<ElementType<?>> elementTypes() {
        return List.of(TestFrameSource.TYPE, TestUriSource.TYPE, TestInvert.TYPE);
    }
}
