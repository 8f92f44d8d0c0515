package org.spacetime.gst.testelements;

import com.sun.jna.Memory;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.ElementType;
import org.spacetime.gst.framework.PadElement;

/** Test filter with its own sink and src pads: inverts every byte of every frame. */
public class TestInvert extends PadElement {
    public static final ElementType<TestInvert> TYPE = ElementType
            .builder("spacetimetestinvert", TestInvert.class, TestInvert::new)
            .metadata("Spacetime test invert", "Filter/Effect/Video", "Inverts RGB frames (framework test)", "Spacetime")
            .sinkPad("video/x-raw,format=RGB")
            .srcPad("video/x-raw,format=RGB")
            .build();

    @Override
    protected int chain(Buffer in) {
        Buffer b = in.makeWritable();
        byte[] data = b.read();
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ~data[i];
        }
        b.write(data);
        return push(b);
    }
}
