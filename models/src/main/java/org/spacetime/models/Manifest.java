package org.spacetime.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** model.json of a package (format documented in models/README.md), parsed and checked field by field. */
public record Manifest(String name, String version, String license, String description, int nativeFps, int nativeWidth,
                       int nativeHeight, int sizeMultiple, int minSize, int maxSize, int framesPerWindow,
                       int spatialFactor, int temporalFactor, int latentChannels, boolean causalFirstFrame,
                       double scalingFactor, double shiftFactor, int[] patchSize, int windowLatentFrames,
                       String schedulerType, double shift, int defaultSteps, double defaultGuidance,
                       double[] guidanceInterval, String tokenizerFile, int maxTokens, Map<String, GraphSpec> graphs) {

    public static final int FORMAT_VERSION = 1;
    public static final List<String> ROLES = List.of("text_encoder", "denoiser", "vae_encoder", "vae_decoder");

    static Manifest read(Path file) {
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new InvalidModelPackageException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new InvalidModelPackageException(file + " is not a JSON object: " + e.getMessage(), e);
        }
        Reader r = new Reader(file, root);
        String format = r.string(root, "format");
        if (!format.equals("spacetime-model-package")) {
            throw r.bad("format", format, "\"spacetime-model-package\"");
        }
        int fv = r.integer(root, "format_version");
        if (fv != FORMAT_VERSION) {
            throw r.bad("format_version", fv, "version " + FORMAT_VERSION + " (this runtime reads only that)");
        }
        JsonObject video = r.object(root, "video"), vae = r.object(root, "vae"), dit = r.object(root, "transformer");
        JsonObject sched = r.object(root, "scheduler"), text = r.object(root, "text"), files = r.object(root, "files");
        JsonObject nat = r.object(video, "native_size"), allowed = r.object(video, "allowed_sizes");
        String type = r.string(sched, "type");
        if (!type.equals("flow-matching")) {
            throw r.bad("scheduler.type", type, "\"flow-matching\"");
        }
        Map<String, GraphSpec> graphs = new LinkedHashMap<>();
        for (String role : ROLES) {
            JsonObject g = r.object(files, role);
            graphs.put(role, new GraphSpec(role, r.string(g, "file"), r.tensors(g, "inputs"), r.tensors(g, "outputs")));
        }
        JsonArray patch = r.array(dit, "patch_size");
        int[] p = new int[patch.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = patch.get(i).getAsInt();
        }
        if (p.length != 3) {
            throw r.bad("transformer.patch_size", patch, "[t, h, w]");
        }
        Manifest m = new Manifest(r.string(root, "name"), r.string(root, "version"), r.string(root, "license"),
                r.string(root, "description"), r.integer(video, "native_fps"), r.integer(nat, "width"),
                r.integer(nat, "height"), r.integer(allowed, "multiple_of"), r.integer(allowed, "min"),
                r.integer(allowed, "max"), r.integer(video, "frames_per_window"), r.integer(vae, "spatial_factor"),
                r.integer(vae, "temporal_factor"), r.integer(vae, "latent_channels"),
                r.bool(vae, "causal_first_frame"), r.number(vae, "scaling_factor"), r.number(vae, "shift_factor"), p,
                r.integer(dit, "window_latent_frames"), type, r.number(sched, "shift"),
                r.integer(sched, "default_steps"), r.number(sched, "default_guidance"), r.interval(sched, "guidance_interval"),
                r.string(text, "tokenizer"),
                r.integer(text, "max_tokens"), graphs);
        if (m.framesPerWindow != 1 + (m.windowLatentFrames - 1) * m.temporalFactor) {
            throw r.bad("video.frames_per_window", m.framesPerWindow,
                    "1 + (window_latent_frames - 1) * temporal_factor = " + (1 + (m.windowLatentFrames - 1) * m.temporalFactor));
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

    /** Field-by-field reading with errors that name the file and field. */
    private record Reader(Path file, JsonObject root) {
        InvalidModelPackageException bad(String field, Object found, String expected) {
            return new InvalidModelPackageException(file + ": field '" + field + "' is " + found + "; expected " + expected);
        }

        private JsonElement get(JsonObject o, String key) {
            JsonElement e = o.get(key);
            if (e == null || e.isJsonNull()) {
                throw new InvalidModelPackageException(file + ": required field '" + key + "' is missing");
            }
            return e;
        }

        JsonObject object(JsonObject o, String key) {
            JsonElement e = get(o, key);
            if (!e.isJsonObject()) {
                throw bad(key, e, "an object");
            }
            return e.getAsJsonObject();
        }

        /** An optional [from, to] pair of noise levels, 0 <= from < to <= 1; absent: [0, 1]. */
        double[] interval(JsonObject o, String key) {
            if (o.get(key) == null || o.get(key).isJsonNull()) {
                return new double[] {0, 1};
            }
            JsonArray a = array(o, key);
            if (a.size() != 2 || !a.get(0).isJsonPrimitive() || !a.get(1).isJsonPrimitive()) {
                throw bad(key, a, "[from, to] with 0 <= from < to <= 1");
            }
            double from = a.get(0).getAsDouble(), to = a.get(1).getAsDouble();
            if (!(from >= 0 && from < to && to <= 1)) {
                throw bad(key, a, "[from, to] with 0 <= from < to <= 1");
            }
            return new double[] {from, to};
        }

        JsonArray array(JsonObject o, String key) {
            JsonElement e = get(o, key);
            if (!e.isJsonArray()) {
                throw bad(key, e, "an array");
            }
            return e.getAsJsonArray();
        }

        String string(JsonObject o, String key) {
            JsonElement e = get(o, key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw bad(key, e, "a string");
            }
            return e.getAsString();
        }

        double number(JsonObject o, String key) {
            JsonElement e = get(o, key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw bad(key, e, "a number");
            }
            return e.getAsDouble();
        }

        int integer(JsonObject o, String key) {
            double d = number(o, key);
            if (d != Math.rint(d) || d <= 0) {
                throw bad(key, d, "a positive integer");
            }
            return (int) d;
        }

        boolean bool(JsonObject o, String key) {
            JsonElement e = get(o, key);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw bad(key, e, "true or false");
            }
            return e.getAsBoolean();
        }

        List<GraphSpec.Tensor> tensors(JsonObject o, String key) {
            List<GraphSpec.Tensor> out = new ArrayList<>();
            for (JsonElement e : array(o, key)) {
                JsonObject t = e.getAsJsonObject();
                List<Object> shape = new ArrayList<>();
                for (JsonElement d : array(t, "shape")) {
                    shape.add(d.getAsJsonPrimitive().isNumber() ? (Object) d.getAsInt() : d.getAsString());
                }
                out.add(new GraphSpec.Tensor(string(t, "name"), string(t, "dtype"), shape));
            }
            return out;
        }
    }
}
