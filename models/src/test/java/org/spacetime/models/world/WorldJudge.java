package org.spacetime.models.world;

import java.util.Arrays;
import java.util.Map;

import org.spacetime.models.Video;

/**
 * Judges a generated single-object clip against its caption from the pixels, as the training
 * code's judge does (models/training/spacetime_train/judge.py): object pixels are those far from
 * the caption's background colour; the object's colour is the palette colour nearest their median;
 * its motion comes from the track of their centroid.
 */
public final class WorldJudge {
    private WorldJudge() {}

    /** What a clip shows: the object's colour and motion, null where no object was seen. */
    public record Verdict(String colour, String motion) {
        public boolean colourMatches(WorldCaption c) {
            return c.colour().equals(colour);
        }

        public boolean motionMatches(WorldCaption c) {
            return c.motion().equals(motion);
        }
    }

    public static Verdict judge(Video v, WorldCaption caption) {
        int[] bg = WorldCaption.BACKGROUNDS.get(caption.background());
        int n = v.width() * v.height();
        double[][] centroids = new double[v.frames()][];
        int[][] medians = new int[v.frames()][];
        int seen = 0;
        for (int f = 0; f < v.frames(); f++) {
            int base = f * v.frameBytes(), count = 0;
            double sx = 0, sy = 0;
            int[][] channels = new int[3][n];
            for (int p = 0; p < n; p++) {
                int o = base + p * 3, r = v.rgb()[o] & 255, g = v.rgb()[o + 1] & 255, b = v.rgb()[o + 2] & 255;
                double d = Math.sqrt(Math.pow(r - bg[0], 2) + Math.pow(g - bg[1], 2) + Math.pow(b - bg[2], 2));
                if (d > 60) {
                    sx += p % v.width() + 0.5;
                    sy += p / v.width() + 0.5;
                    channels[0][count] = r;
                    channels[1][count] = g;
                    channels[2][count] = b;
                    count++;
                }
            }
            if (count >= 4) {
                centroids[f] = new double[] {sx / count, sy / count};
                medians[seen++] = new int[] {median(channels[0], count), median(channels[1], count), median(channels[2], count)};
            }
        }
        if (seen == 0) {
            return new Verdict(null, null);
        }
        int[] colour = new int[3];
        for (int c = 0; c < 3; c++) {
            int[] values = new int[seen];
            for (int i = 0; i < seen; i++) {
                values[i] = medians[i][c];
            }
            colour[c] = median(values, seen);
        }
        return new Verdict(nearest(colour), motion(centroids, v.height()));
    }

    private static int median(int[] values, int count) {
        int[] s = Arrays.copyOf(values, count);
        Arrays.sort(s);
        return s[count / 2];
    }

    private static String nearest(int[] rgb) {
        String best = null;
        double bestD = Double.MAX_VALUE;
        for (Map.Entry<String, int[]> e : WorldCaption.OBJECT_COLOURS.entrySet()) {
            int[] p = e.getValue();
            double d = Math.pow(rgb[0] - p[0], 2) + Math.pow(rgb[1] - p[1], 2) + Math.pow(rgb[2] - p[2], 2);
            if (d < bestD) {
                bestD = d;
                best = e.getKey();
            }
        }
        return best;
    }

    /** The motion word of a centroid track (null entries: not visible), with judge.py's thresholds. */
    private static String motion(double[][] track, int height) {
        double[] first = null, last = null, path = new double[2], prev = null;
        int visible = 0;
        for (double[] c : track) {
            if (c == null) {
                continue;
            }
            visible++;
            if (first == null) {
                first = c;
            }
            if (prev != null) {
                path[0] += Math.abs(c[0] - prev[0]);
                path[1] += Math.abs(c[1] - prev[1]);
            }
            prev = last = c;
        }
        if (visible < 3) {
            return null;
        }
        double dx = last[0] - first[0], dy = last[1] - first[1];
        double maxPath = Math.max(path[0], path[1]), minPath = Math.min(path[0], path[1]);
        if (Math.max(Math.abs(dx), Math.abs(dy)) < 0.08 * height && maxPath < 0.15 * height) {
            return "stays still";
        }
        if (minPath > 0.15 * height && maxPath < 2.5 * minPath) {
            return "bounces";
        }
        if (Math.abs(dx) >= Math.abs(dy)) {
            return dx > 0 ? "moves right" : "moves left";
        }
        return dy > 0 ? "moves down" : "moves up";
    }
}
