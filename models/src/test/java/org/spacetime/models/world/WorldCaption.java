package org.spacetime.models.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A single-object caption of Spacetime World v1 (shared/world/WORLD.md), without snow or pillar:
 * "a [small|big] COLOUR SHAPE MOTION on a BACKGROUND background", and the World's palette.
 */
public record WorldCaption(String size, String colour, String shape, String motion, String background) {
    public static final Map<String, int[]> OBJECT_COLOURS = Map.of("red", new int[] {222, 44, 44},
            "green", new int[] {36, 190, 72}, "blue", new int[] {56, 100, 245}, "yellow", new int[] {242, 216, 38},
            "magenta", new int[] {212, 64, 212}, "cyan", new int[] {44, 206, 222}, "orange", new int[] {246, 138, 30},
            "white", new int[] {248, 248, 248});
    public static final Map<String, int[]> BACKGROUNDS = Map.of("black", new int[] {16, 16, 16},
            "gray", new int[] {128, 128, 128}, "white", new int[] {236, 236, 236}, "navy", new int[] {20, 28, 110});
    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "magenta", "cyan", "orange", "white");
    static final List<String> SHAPES = List.of("circle", "square", "triangle");
    static final List<String> MOTIONS = List.of("moves left", "moves right", "moves up", "moves down", "bounces",
            "stays still");
    static final List<String> BACKGROUND_NAMES = List.of("black", "gray", "white", "navy");
    private static final Pattern GRAMMAR = Pattern.compile("a (?:(small|big) )?(\\w+) (circle|square|triangle) "
            + "(moves left|moves right|moves up|moves down|bounces|stays still) on a (\\w+) background");

    public static WorldCaption parse(String caption) {
        Matcher m = GRAMMAR.matcher(caption);
        if (!m.matches() || !OBJECT_COLOURS.containsKey(m.group(2)) || !BACKGROUNDS.containsKey(m.group(5))) {
            throw new IllegalArgumentException("not a single-object World v1 caption: " + caption);
        }
        return new WorldCaption(m.group(1) == null ? "" : m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
    }

    @Override
    public String toString() {
        return "a " + (size.isEmpty() ? "" : size + " ") + colour + " " + shape + " " + motion + " on a " + background
                + " background";
    }

    /** One of the held-out compositions of WORLD.md (never in training). */
    public boolean heldOut() {
        return colour.equals("yellow") && shape.equals("triangle") || colour.equals("orange") && motion.equals("moves up")
                || shape.equals("square") && motion.equals("bounces") && background.equals("navy");
    }

    /**
     * {@code n} in-distribution captions spread over colours, shapes, motions and backgrounds, the same
     * on every call (a fixed walk through the grammar; white objects never on white).
     */
    public static List<WorldCaption> inDistribution(int n) {
        List<WorldCaption> out = new ArrayList<>();
        for (int i = 0; out.size() < n; i++) {
            WorldCaption c = new WorldCaption(i % 5 == 3 ? "small" : i % 5 == 4 ? "big" : "", COLOURS.get(i % 8),
                    SHAPES.get(i / 8 % 3), MOTIONS.get(i % 6), BACKGROUND_NAMES.get(i / 3 % 4));
            if (!(c.colour.equals("white") && c.background.equals("white")) && !c.heldOut()) {
                out.add(c);
            }
        }
        return out;
    }
}
