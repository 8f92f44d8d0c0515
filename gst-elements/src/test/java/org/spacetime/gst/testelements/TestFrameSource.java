package org.spacetime.gst.testelements;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.Caps;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ElementType;
import org.spacetime.gst.framework.Property;
import org.spacetime.gst.framework.PushSource;

/** Test source: known RGB frames ({@link TestFrames}), and ways to fail on purpose. */
public class TestFrameSource extends PushSource {
    static final String CAPS = "video/x-raw,format=RGB,width=[1,1024],height=[1,1024],framerate=8/1";

    public static final ElementType<TestFrameSource> TYPE = ElementType
            .builder("spacetimetestsrc", TestFrameSource.class, TestFrameSource::new)
            .metadata("Spacetime test frames", "Source/Video", "Known frames for testing the Java element framework", "Spacetime")
            .srcPad(CAPS)
            .properties(properties())
            .actionSignal("bump-pattern", e -> e.pattern++)
            .build();

    @SuppressWarnings("unchecked")
    static <E extends TestFrameSource> Property<E>[] properties() {
        return new Property[] {
            Property.<E>ofInt("pattern", "Pattern", "Offset mixed into every pixel value", 0, 255, 0,
                    e -> e.pattern, (e, v) -> e.pattern = v),
            Property.<E>ofInt("fail-at", "Fail at frame", "Throw a Java exception when making this frame (-1: never)",
                    -1, Integer.MAX_VALUE, -1, e -> e.failAt, (e, v) -> e.failAt = v),
            Property.<E>ofBoolean("npe-storm", "NullPointerException storm",
                    "Throw and catch NullPointerExceptions in a hot loop and run System.gc() for every frame",
                    false, e -> e.npeStorm, (e, v) -> e.npeStorm = v),
        };
    }

    int pattern;
    int failAt = -1;
    boolean npeStorm;
    private int width;
    private int height;
    private int index;

    @Override
    protected void fixate(Caps caps) {
        caps.nearestInt("width", 32).nearestInt("height", 24);
    }

    @Override
    protected void setCaps(Caps caps) throws ElementException {
        width = caps.integer("width");
        height = caps.integer("height");
    }

    @Override
    protected void start() {
        index = 0;
    }

    @Override
    protected Buffer create() throws ElementException {
        if (index == failAt) {
            throw new IllegalStateException("test failure requested at frame " + index);
        }
        if (npeStorm) {
            storm();
        }
        byte[] rgb = TestFrames.frame(width, height, index, pattern);
        int stride = TestFrames.stride(width);
        byte[] padded = new byte[stride * height];
        for (int y = 0; y < height; y++) {
            System.arraycopy(rgb, y * width * 3, padded, y * stride, width * 3);
        }
        Buffer b = Buffer.allocate(padded.length);
        b.write(padded);
        long frameNs = 1_000_000_000L / TestFrames.FPS;
        b.setPts(index * frameNs).setDuration(frameNs).setOffset(index).setOffsetEnd(index + 1);
        index++;
        return b;
    }

    /** Makes the JVM take SIGSEGVs internally: implicit null checks in compiled code, and GC safepoints. */
    private static void storm() {
        Object[] holder = new Object[1];
        int caught = 0;
        for (int i = 0; i < 20_000; i++) {
            try {
                holder[0].hashCode();
            } catch (NullPointerException e) {
                caught++;
            }
        }
        if (caught != 20_000) {
            throw new AssertionError(caught);
        }
        System.gc();
    }
}
