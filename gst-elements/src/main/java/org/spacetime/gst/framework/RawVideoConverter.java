package org.spacetime.gst.framework;

import java.util.List;

/**
 * Converts frames between GStreamer raw video layouts and packed 8-bit RGB (what the model runtime
 * takes and gives): packed RGB with or without alpha in any channel order, planar and semi-planar
 * 4:2:0 YUV and packed 4:2:2 YUV, honouring strides, plane offsets, the YUV matrix and range.
 * Chroma is averaged over each 2x2 (or 2x1) block going to YUV and repeated coming back.
 */
public final class RawVideoConverter {
    /** Every format accepted, in GStreamer's names (also the caps list of the elements). */
    public static final List<String> FORMATS = List.of("RGB", "BGR", "RGBA", "BGRA", "ARGB", "ABGR", "RGBx", "BGRx",
            "xRGB", "xBGR", "I420", "YV12", "NV12", "NV21", "YUY2", "UYVY");

    /** Caps for every accepted format, e.g. for a pad template. */
    public static String capsFormats() {
        return "{" + String.join(",", FORMATS) + "}";
    }

    private RawVideoConverter() {}

    /** The frame in {@code data} (laid out as {@code v} says) as packed RGB, width * height * 3 bytes. */
    public static byte[] toRgb(byte[] data, VideoInfo v) {
        int w = v.width(), h = v.height();
        byte[] rgb = new byte[w * h * 3];
        int[] order = packedOrder(v.format());
        if (order != null) {
            int bpp = order[3];
            for (int y = 0; y < h; y++) {
                int row = (int) v.offset()[0] + y * v.stride()[0];
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    int p = row + x * bpp;
                    rgb[o] = data[p + order[0]];
                    rgb[o + 1] = data[p + order[1]];
                    rgb[o + 2] = data[p + order[2]];
                }
            }
            return rgb;
        }
        Yuv yuv = new Yuv(v);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                yuv.toRgb(data[lumaIndex(v, x, y)] & 0xff, data[chromaIndex(v, x, y, true)] & 0xff,
                        data[chromaIndex(v, x, y, false)] & 0xff, rgb, o);
            }
        }
        return rgb;
    }

    /** Packed RGB (width * height * 3 bytes) laid out as {@code v} says, in a new array of v.size() bytes. */
    public static byte[] fromRgb(byte[] rgb, VideoInfo v) {
        int w = v.width(), h = v.height();
        byte[] out = new byte[(int) v.size()];
        int[] order = packedOrder(v.format());
        if (order != null) {
            int bpp = order[3];
            for (int y = 0; y < h; y++) {
                int row = (int) v.offset()[0] + y * v.stride()[0];
                for (int x = 0, i = y * w * 3; x < w; x++, i += 3) {
                    int p = row + x * bpp;
                    out[p + order[0]] = rgb[i];
                    out[p + order[1]] = rgb[i + 1];
                    out[p + order[2]] = rgb[i + 2];
                    if (bpp == 4) {
                        out[p + order[4]] = (byte) 255;     // opaque alpha (or the padding byte)
                    }
                }
            }
            return out;
        }
        Yuv yuv = new Yuv(v);
        boolean vertical = !v.format().equals("YUY2") && !v.format().equals("UYVY");   // 4:2:0 halves rows too
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                out[lumaIndex(v, x, y)] = (byte) yuv.luma(rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff);
            }
        }
        for (int y = 0; y < h; y += vertical ? 2 : 1) {
            for (int x = 0; x < w; x += 2) {
                double r = 0, g = 0, b = 0;
                int n = 0;
                for (int dy = 0; dy < (vertical ? 2 : 1) && y + dy < h; dy++) {
                    for (int dx = 0; dx < 2 && x + dx < w; dx++, n++) {
                        int i = ((y + dy) * w + x + dx) * 3;
                        r += rgb[i] & 0xff;
                        g += rgb[i + 1] & 0xff;
                        b += rgb[i + 2] & 0xff;
                    }
                }
                out[chromaIndex(v, x, y, true)] = (byte) yuv.cb(r / n, g / n, b / n);
                out[chromaIndex(v, x, y, false)] = (byte) yuv.cr(r / n, g / n, b / n);
            }
        }
        return out;
    }

    /** Byte positions of R, G, B in a pixel, the pixel's size, and the alpha/padding position; null for YUV. */
    private static int[] packedOrder(String format) {
        return switch (format) {
            case "RGB" -> new int[] {0, 1, 2, 3};
            case "BGR" -> new int[] {2, 1, 0, 3};
            case "RGBA", "RGBx" -> new int[] {0, 1, 2, 4, 3};
            case "BGRA", "BGRx" -> new int[] {2, 1, 0, 4, 3};
            case "ARGB", "xRGB" -> new int[] {1, 2, 3, 4, 0};
            case "ABGR", "xBGR" -> new int[] {3, 2, 1, 4, 0};
            case "I420", "YV12", "NV12", "NV21", "YUY2", "UYVY" -> null;
            default -> throw new IllegalArgumentException("raw video format " + format + " is not supported; accepted: "
                    + String.join(", ", FORMATS));
        };
    }

    private static int lumaIndex(VideoInfo v, int x, int y) {
        int row = (int) v.offset()[0] + y * v.stride()[0];
        return switch (v.format()) {
            case "YUY2" -> row + 2 * x;
            case "UYVY" -> row + 2 * x + 1;
            default -> row + x;
        };
    }

    /** Where the Cb (blue) or Cr (red) sample covering pixel (x, y) lies. */
    private static int chromaIndex(VideoInfo v, int x, int y, boolean blue) {
        int cx = x / 2, cy = y / 2;
        return switch (v.format()) {
            case "I420" -> (int) v.offset()[blue ? 1 : 2] + cy * v.stride()[blue ? 1 : 2] + cx;
            case "YV12" -> (int) v.offset()[blue ? 2 : 1] + cy * v.stride()[blue ? 2 : 1] + cx;
            case "NV12" -> (int) v.offset()[1] + cy * v.stride()[1] + 2 * cx + (blue ? 0 : 1);
            case "NV21" -> (int) v.offset()[1] + cy * v.stride()[1] + 2 * cx + (blue ? 1 : 0);
            case "YUY2" -> (int) v.offset()[0] + y * v.stride()[0] + 4 * cx + (blue ? 1 : 3);
            case "UYVY" -> (int) v.offset()[0] + y * v.stride()[0] + 4 * cx + (blue ? 0 : 2);
            default -> throw new IllegalStateException(v.format());
        };
    }

    /** Y'CbCr <-> R'G'B' for one matrix and range (ITU-R BT.601/709/2020 definitions). */
    private static final class Yuv {
        final double kr, kb, kg, yScale, yOff, cScale;

        Yuv(VideoInfo v) {
            double[] k = switch (v.matrix()) {
                case BT709 -> new double[] {0.2126, 0.0722};
                case BT2020 -> new double[] {0.2627, 0.0593};
                case SMPTE240M -> new double[] {0.212, 0.087};
                case BT601 -> new double[] {0.299, 0.114};
            };
            kr = k[0];
            kb = k[1];
            kg = 1 - kr - kb;
            yScale = v.fullRange() ? 255 : 219;
            yOff = v.fullRange() ? 0 : 16;
            cScale = v.fullRange() ? 255 : 224;
        }

        int luma(int r, int g, int b) {
            return clamp(yOff + yScale * (kr * r + kg * g + kb * b) / 255);
        }

        int cb(double r, double g, double b) {
            double y = (kr * r + kg * g + kb * b) / 255;
            return clamp(128 + cScale * (b / 255 - y) / (2 * (1 - kb)));
        }

        int cr(double r, double g, double b) {
            double y = (kr * r + kg * g + kb * b) / 255;
            return clamp(128 + cScale * (r / 255 - y) / (2 * (1 - kr)));
        }

        void toRgb(int yv, int cbv, int crv, byte[] out, int o) {
            double y = (yv - yOff) / yScale, pb = (cbv - 128) / cScale, pr = (crv - 128) / cScale;
            double r = y + 2 * (1 - kr) * pr, b = y + 2 * (1 - kb) * pb, g = (y - kr * r - kb * b) / kg;
            out[o] = (byte) clamp(r * 255);
            out[o + 1] = (byte) clamp(g * 255);
            out[o + 2] = (byte) clamp(b * 255);
        }

        private static int clamp(double v) {
            return (int) Math.max(0, Math.min(255, Math.round(v)));
        }
    }
}
