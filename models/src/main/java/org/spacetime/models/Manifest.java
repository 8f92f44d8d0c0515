package org.spacetime.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * model.json of a package (format documented in models/README.md), parsed and checked field by
 * field: a package may come from anyone, so every field's type and range is checked before any of
 * it sizes an allocation, and an error names the field, the value found and what is accepted.
 */
public record Manifest(String name, String version, String license, String description, int nativeFps, int nativeWidth,
                       int nativeHeight, int sizeMultiple, int minSize, int maxSize, int framesPerWindow,
                       int spatialFactor, int temporalFactor, int latentChannels, boolean causalFirstFrame,
                       double scalingFactor, double shiftFactor, int[] patchSize, int windowLatentFrames,
                       String schedulerType, double shift, int defaultSteps, double defaultGuidance,
                       double[] guidanceInterval, double conditionedNoiseScale, String tokenizerFile,
                       String tokenizerSha256, int maxTokens, Map<String, GraphSpec> graphs) {

    public static final int FORMAT_VERSION = 1;
    public static final List<String> ROLES = List.of("text_encoder", "denoiser", "vae_encoder", "vae_decoder");
    /** Largest frame side a package may allow (models/README.md, limits). */
    public static final int MAX_FRAME_SIDE = 4096;
    /** Largest text.max_tokens a package may ask for. */
    public static final int MAX_TOKENS = 4096;
    /** A manifest larger than this is not a manifest. */
    static final long MAX_MANIFEST_BYTES = 1 << 20;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    static Manifest read(Path file) {
        JsonObject json;
        try {
            long size = Files.size(file);
            if (size > MAX_MANIFEST_BYTES) {
                throw new InvalidModelPackageException(file + " is " + size + " bytes; a manifest has at most "
                        + MAX_MANIFEST_BYTES);
            }
            json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new InvalidModelPackageException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (InvalidModelPackageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidModelPackageException(file + " is not a JSON object: " + e.getMessage(), e);
        }
        Node root = new Node(file, "", json);
        String format = root.string("format");
        if (!format.equals("spacetime-model-package")) {
            throw root.bad("format", quoted(format), "\"spacetime-model-package\"");
        }
        int fv = root.integer("format_version", 1, Integer.MAX_VALUE);
        if (fv != FORMAT_VERSION) {
            throw root.bad("format_version", fv, "version " + FORMAT_VERSION + " (this runtime reads only that)");
        }
        Node video = root.object("video"), vae = root.object("vae"), dit = root.object("transformer");
        Node sched = root.object("scheduler"), text = root.object("text"), files = root.object("files");
        Node nat = video.object("native_size"), allowed = video.object("allowed_sizes");
        String type = sched.string("type");
        if (!type.equals("flow-matching")) {
            throw sched.bad("type", quoted(type), "\"flow-matching\"");
        }
        Map<String, GraphSpec> graphs = new LinkedHashMap<>();
        for (String role : ROLES) {
            Node g = files.object(role);
            graphs.put(role, new GraphSpec(role, g.string("file"), g.sha256("sha256"), g.tensors("inputs"),
                    g.tensors("outputs")));
        }
        int[] patch = dit.integers("patch_size", 3, 1, 16);
        int spatial = vae.integer("spatial_factor", 1, 64), temporal = vae.integer("temporal_factor", 1, 16);
        int multiple = allowed.integer("multiple_of", 1, MAX_FRAME_SIDE);
        if (multiple % (spatial * Math.max(patch[1], patch[2])) != 0) {
            throw allowed.bad("multiple_of", multiple, "a multiple of vae.spatial_factor x transformer.patch_size ("
                    + spatial * Math.max(patch[1], patch[2]) + ")");
        }
        int min = allowed.integer("min", multiple, MAX_FRAME_SIDE);
        int max = allowed.integer("max", min, MAX_FRAME_SIDE);
        int windowLatents = dit.integer("window_latent_frames", 1, 256);
        Manifest m = new Manifest(root.string("name"), root.string("version"), root.string("license"),
                root.string("description"), video.integer("native_fps", 1, 120), nat.integer("width", min, max),
                nat.integer("height", min, max), multiple, min, max,
                video.integer("frames_per_window", 1, 1 + 255 * 16), spatial, temporal,
                vae.integer("latent_channels", 1, 1024), vae.bool("causal_first_frame"),
                vae.number("scaling_factor", 1e-6, 1e6, "a number from 1e-6 to 1e6 (latents are multiplied by it; 0 would erase them)"),
                vae.number("shift_factor", -1e6, 1e6, "a number from -1e6 to 1e6"), patch, windowLatents, type,
                sched.number("shift", 0.01, 100, "a number from 0.01 to 100"), sched.integer("default_steps", 1, 1000),
                sched.number("default_guidance", 0, 50, "a number from 0 to 50"), sched.interval("guidance_interval"),
                sched.optionalNumber("conditioned_noise_scale", 0.01, 1, 1, "a number from 0.01 to 1 (absent: 1)"),
                text.string("tokenizer"), text.sha256("tokenizer_sha256"), text.integer("max_tokens", 1, MAX_TOKENS),
                graphs);
        if (m.framesPerWindow != 1 + (m.windowLatentFrames - 1) * m.temporalFactor) {
            throw video.bad("frames_per_window", m.framesPerWindow,
                    "1 + (window_latent_frames - 1) * temporal_factor = " + (1 + (m.windowLatentFrames - 1) * m.temporalFactor));
        }
        for (String side : new String[] {"width", "height"}) {
            int v = side.equals("width") ? m.nativeWidth : m.nativeHeight;
            if (v % multiple != 0) {
                throw nat.bad(side, v, "a multiple of video.allowed_sizes.multiple_of (" + multiple + ")");
            }
        }
        return m;
    }

    /** Checks a frame size against the package's allowed sizes. */
    public void checkSize(int width, int height) {
        for (int v : new int[] {width, height}) {
            if (v % sizeMultiple != 0 || v < minSize || v > maxSize) {
                throw new IllegalArgumentException("frame size " + width + "x" + height + " is not allowed by model "
                        + name + ": width and height must be multiples of " + sizeMultiple + " between " + minSize
                        + " and " + maxSize + " (native " + nativeWidth + "x" + nativeHeight + ")");
            }
        }
    }

    /** Latent frames that hold {@code frames} pixel frames of a clip (frame 0 alone, then blocks). */
    public int latentFramesFor(int frames) {
        return 1 + Math.floorDiv(frames - 1 + temporalFactor - 1, temporalFactor);
    }

    private static String quoted(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
    }

    /** One JSON object of the manifest and its dotted path, read field by field with errors naming the field. */
    private record Node(Path file, String path, JsonObject json) {
        InvalidModelPackageException bad(String key, Object found, String expected) {
            String shown = found instanceof JsonElement e ? shown(e) : String.valueOf(found);
            return new InvalidModelPackageException(file + ": field '" + path + key + "' is " + shown + "; expected "
                    + expected);
        }

        private static String shown(JsonElement e) {
            String s = e.toString();
            return s.length() > 80 ? s.substring(0, 80) + "..." : s;
        }

        private JsonElement get(String key) {
            JsonElement e = json.get(key);
            if (e == null || e.isJsonNull()) {
                throw new InvalidModelPackageException(file + ": required field '" + path + key + "' is missing");
            }
            return e;
        }

        Node object(String key) {
            JsonElement e = get(key);
            if (!e.isJsonObject()) {
                throw bad(key, e, "an object");
            }
            return new Node(file, path + key + ".", e.getAsJsonObject());
        }

        JsonArray array(String key) {
            JsonElement e = get(key);
            if (!e.isJsonArray()) {
                throw bad(key, e, "an array");
            }
            return e.getAsJsonArray();
        }

        String string(String key) {
            JsonElement e = get(key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw bad(key, e, "a string");
            }
            return e.getAsString();
        }

        String sha256(String key) {
            String s = string(key);
            if (!SHA256.matcher(s).matches()) {
                throw bad(key, quoted(s), "the file's SHA-256 digest as 64 lower-case hex digits");
            }
            return s;
        }

        double number(String key, double min, double max, String accepted) {
            JsonElement e = get(key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw bad(key, e, accepted);
            }
            double d = e.getAsDouble();
            if (!(d >= min && d <= max)) {
                throw bad(key, e, accepted);
            }
            return d;
        }

        /** An optional number in [min, max]; absent (or null): {@code absent}. */
        double optionalNumber(String key, double min, double max, double absent, String accepted) {
            return json.get(key) == null || json.get(key).isJsonNull() ? absent : number(key, min, max, accepted);
        }

        int integer(String key, int min, int max) {
            return integer(get(key), key, min, max);
        }

        private int integer(JsonElement e, String key, int min, int max) {
            String accepted = "an integer from " + min + " to " + max;
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw bad(key, e, accepted);
            }
            double d = e.getAsDouble();
            if (d != Math.rint(d) || d < min || d > max) {
                throw bad(key, e, accepted);
            }
            return (int) d;
        }

        int[] integers(String key, int count, int min, int max) {
            JsonArray a = array(key);
            if (a.size() != count) {
                throw bad(key, a, count + " integers from " + min + " to " + max);
            }
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                out[i] = integer(a.get(i), key + "[" + i + "]", min, max);
            }
            return out;
        }

        boolean bool(String key) {
            JsonElement e = get(key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw bad(key, e, "true or false");
            }
            return e.getAsBoolean();
        }

        /** An optional [from, to] pair of noise levels, 0 <= from < to <= 1; absent: [0, 1]. */
        double[] interval(String key) {
            if (json.get(key) == null || json.get(key).isJsonNull()) {
                return new double[] {0, 1};
            }
            JsonArray a = array(key);
            String accepted = "[from, to] with 0 <= from < to <= 1";
            if (a.size() != 2 || !isNumber(a.get(0)) || !isNumber(a.get(1))) {
                throw bad(key, a, accepted);
            }
            double from = a.get(0).getAsDouble(), to = a.get(1).getAsDouble();
            if (!(from >= 0 && from < to && to <= 1)) {
                throw bad(key, a, accepted);
            }
            return new double[] {from, to};
        }

        private static boolean isNumber(JsonElement e) {
            return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
        }

        /** [{name, dtype, shape}], shape entries positive integers or names of dynamic dimensions. */
        List<GraphSpec.Tensor> tensors(String key) {
            String accepted = "an array of {\"name\": string, \"dtype\": \"float32\" or \"int64\", \"shape\": [integers "
                    + "from 1 to 65536 or names of dynamic dimensions]} with 1 to 8 dimensions";
            JsonArray a = array(key);
            if (a.isEmpty() || a.size() > 16) {
                throw bad(key, a, accepted);
            }
            List<GraphSpec.Tensor> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                String at = key + "[" + i + "]";
                if (!a.get(i).isJsonObject()) {
                    throw bad(at, a.get(i), accepted);
                }
                Node t = new Node(file, path + at + ".", a.get(i).getAsJsonObject());
                String dtype = t.string("dtype");
                if (!dtype.equals("float32") && !dtype.equals("int64")) {
                    throw t.bad("dtype", quoted(dtype), "\"float32\" or \"int64\"");
                }
                JsonArray dims = t.array("shape");
                if (dims.isEmpty() || dims.size() > 8) {
                    throw t.bad("shape", dims, "1 to 8 dimensions");
                }
                List<Object> shape = new ArrayList<>();
                for (int d = 0; d < dims.size(); d++) {
                    JsonElement dim = dims.get(d);
                    if (dim.isJsonPrimitive() && dim.getAsJsonPrimitive().isString()) {
                        shape.add(dim.getAsString());
                    } else {
                        shape.add(t.integer(dim, "shape[" + d + "]", 1, 65536));
                    }
                }
                out.add(new GraphSpec.Tensor(t.string("name"), dtype, shape));
            }
            return out;
        }
    }
}
