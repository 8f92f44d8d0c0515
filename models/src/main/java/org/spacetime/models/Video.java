package org.spacetime.models;

/** Frames of packed 8-bit RGB, frame after frame, row after row (no padding). */
public record Video(int frames, int width, int height, byte[] rgb) {
    public Video {
        if ((long) frames * width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("rgb has " + rgb.length + " bytes; " + frames + " frames of "
                    + width + "x" + height + " need " + (long) frames * width * height * 3);
        }
    }

    public int frameBytes() {
        return width * height * 3;
    }

    public Video slice(int from, int to) {
        byte[] out = new byte[(to - from) * frameBytes()];
        System.arraycopy(rgb, from * frameBytes(), out, 0, out.length);
        return new Video(to - from, width, height, out);
    }

    public static Video concat(Video a, Video b) {
        byte[] out = new byte[a.rgb.length + b.rgb.length];
        System.arraycopy(a.rgb, 0, out, 0, a.rgb.length);
        System.arraycopy(b.rgb, 0, out, a.rgb.length, b.rgb.length);
        return new Video(a.frames + b.frames, a.width, a.height, out);
    }

    /** Bilinear resize of every frame (pixel centres aligned); the same size returns this. */
    public Video resize(int w, int h) {
        if (w == width && h == height) {
            return this;
        }
        byte[] out = new byte[frames * w * h * 3];
        double sx = (double) width / w, sy = (double) height / h;
        for (int f = 0; f < frames; f++) {
            int src = f * frameBytes(), dst = f * w * h * 3;
            for (int y = 0; y < h; y++) {
                double fy = Math.max(0, Math.min(height - 1, (y + 0.5) * sy - 0.5));
                int y0 = (int) fy, y1 = Math.min(height - 1, y0 + 1);
                double wy = fy - y0;
                for (int x = 0; x < w; x++) {
                    double fx = Math.max(0, Math.min(width - 1, (x + 0.5) * sx - 0.5));
                    int x0 = (int) fx, x1 = Math.min(width - 1, x0 + 1);
                    double wx = fx - x0;
                    for (int c = 0; c < 3; c++) {
                        double v = (1 - wy) * ((1 - wx) * px(src, x0, y0, c) + wx * px(src, x1, y0, c))
                                + wy * ((1 - wx) * px(src, x0, y1, c) + wx * px(src, x1, y1, c));
                        out[dst + (y * w + x) * 3 + c] = (byte) Math.round(v);
                    }
                }
            }
        }
        return new Video(frames, w, h, out);
    }

    private int px(int base, int x, int y, int c) {
        return rgb[base + (y * width + x) * 3 + c] & 0xff;
    }
}
