package org.spacetime.models;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * What a World v1 clip shows, measured from its pixels, for judging drift over long clips: the
 * background is each frame's median colour; object pixels are those far from it (L1 distance over
 * 90, as the element tests use); objects are 4-connected groups of at least 4 such pixels (a
 * snowflake is 1 pixel at 64x64). Averaged over the frames it was given.
 */
public record ClipStatistics(double[] backgroundRgb, double[] objectRgb, double objectArea, double objects) {

    public static ClipStatistics of(Video v) {
        int n = v.width() * v.height();
        double[] bg = new double[3], obj = new double[3];
        long objectPixels = 0, objectCount = 0;
        int[] channel = new int[n];
        boolean[] isObject = new boolean[n];
        for (int f = 0; f < v.frames(); f++) {
            int base = f * v.frameBytes();
            int[] median = new int[3];
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < n; p++) {
                    channel[p] = v.rgb()[base + p * 3 + c] & 0xff;
                }
                int[] sorted = channel.clone();
                Arrays.sort(sorted);
                median[c] = sorted[n / 2];
                bg[c] += median[c];
            }
            for (int p = 0; p < n; p++) {
                int o = base + p * 3, d = 0;
                for (int c = 0; c < 3; c++) {
                    d += Math.abs((v.rgb()[o + c] & 0xff) - median[c]);
                }
                isObject[p] = d > 90;
                if (isObject[p]) {
                    objectPixels++;
                    for (int c = 0; c < 3; c++) {
                        obj[c] += v.rgb()[o + c] & 0xff;
                    }
                }
            }
            objectCount += countGroups(isObject, v.width(), v.height(), 4);
        }
        for (int c = 0; c < 3; c++) {
            bg[c] /= v.frames();
            obj[c] = objectPixels == 0 ? Double.NaN : obj[c] / objectPixels;
        }
        return new ClipStatistics(bg, obj, (double) objectPixels / v.frames() / n, (double) objectCount / v.frames());
    }

    /** 4-connected groups of at least {@code min} marked pixels (clears the marks). */
    private static int countGroups(boolean[] marked, int w, int h, int min) {
        int groups = 0;
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        for (int start = 0; start < marked.length; start++) {
            if (!marked[start]) {
                continue;
            }
            int size = 0;
            marked[start] = false;
            todo.add(start);
            while (!todo.isEmpty()) {
                int p = todo.poll(), x = p % w, y = p / w;
                size++;
                int[] next = {x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1};
                for (int q : next) {
                    if (q >= 0 && marked[q]) {
                        marked[q] = false;
                        todo.add(q);
                    }
                }
            }
            groups += size >= min ? 1 : 0;
        }
        return groups;
    }

    @Override
    public String toString() {
        return String.format("background (%.0f, %.0f, %.0f), object (%.0f, %.0f, %.0f), area %.1f %%, %.2f objects/frame",
                backgroundRgb[0], backgroundRgb[1], backgroundRgb[2], objectRgb[0], objectRgb[1], objectRgb[2],
                100 * objectArea, objects);
    }
}
