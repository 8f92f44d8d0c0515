package org.spacetime.gst.elements;

import java.util.ArrayDeque;

import org.spacetime.gst.framework.Buffer;
import org.spacetime.gst.framework.Caps;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ElementType;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.gst.framework.FlushingException;
import org.spacetime.gst.framework.Property;
import org.spacetime.gst.framework.PushSource;
import org.spacetime.gst.framework.UriHandler;
import org.spacetime.models.Cancellation;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.InvalidModelPackageException;
import org.spacetime.models.LongVideoGenerator;
import org.spacetime.models.Manifest;
import org.spacetime.models.Task;
import org.spacetime.models.Video;
import org.spacetime.models.VideoModel;
import org.spacetime.models.VideoPipeline;

/**
 * spacetimesrc: generates video from a text prompt. Frames go downstream window by window as the
 * model decodes them; duration 0 streams without end. Settings are the properties; the state
 * (model, generator, queued frames) is made in start() and dropped in stop().
 */
public final class SpacetimeSrc extends PushSource implements UriHandler {
    public static final ElementType<SpacetimeSrc> TYPE = ElementType
            .builder("spacetimesrc", SpacetimeSrc.class, SpacetimeSrc::new)
            .metadata("Spacetime video generator", "Source/Video",
                    "Generates video from a text prompt with a latent video diffusion model", "Spacetime")
            .srcPad("video/x-raw,format={RGB,RGBA},width=[16,1024],height=[16,1024],framerate=[1/1,120/1]")
            .properties(
                    Property.<SpacetimeSrc>ofString("prompt", "Prompt", "What the video shows (for the default model: "
                            + "a World v1 caption, e.g. \"a red circle moves left on a black background\")", "",
                            e -> e.settings.prompt, (e, v) -> e.settings.prompt = v),
                    Property.<SpacetimeSrc>ofString("negative-prompt", "Negative prompt",
                            "What the video should not show (guidance pushes away from it)", "",
                            e -> e.settings.negativePrompt, (e, v) -> e.settings.negativePrompt = v),
                    Property.<SpacetimeSrc>ofString("model", "Model package", "Directory of the model package "
                            + "(models/README.md); empty: the shipped default model", "",
                            e -> e.settings.model, (e, v) -> e.settings.model = v),
                    Property.<SpacetimeSrc>ofUInt64("seed", "Seed", "Random seed: the same settings and seed give the "
                            + "same frames on CPU", 0, e -> e.settings.seed, (e, v) -> e.settings.seed = v),
                    Property.<SpacetimeSrc>ofInt("steps", "Steps", "Denoising steps per window (0: the model's default)",
                            0, 1000, 0, e -> e.settings.steps, (e, v) -> e.settings.steps = v),
                    Property.<SpacetimeSrc>ofDouble("guidance", "Guidance", "Classifier-free guidance scale "
                            + "(-1: the model's default)", -1, 50, -1, e -> e.settings.guidance, (e, v) -> e.settings.guidance = v),
                    Property.<SpacetimeSrc, SamplerChoice>ofChoice("sampler", "Sampler", "Solver of the flow",
                            SamplerChoice.class, SamplerChoice.DPMPP_2M, e -> e.settings.sampler, (e, v) -> e.settings.sampler = v),
                    Property.<SpacetimeSrc, DeviceChoice>ofChoice("device", "Device", "Where the model runs",
                            DeviceChoice.class, DeviceChoice.AUTO, e -> e.settings.device, (e, v) -> e.settings.device = v),
                    Property.<SpacetimeSrc>ofDouble("duration", "Duration", "Seconds of video to generate, then EOS "
                            + "(0: endless stream)", 0, 86400, 0, e -> e.settings.duration, (e, v) -> e.settings.duration = v))
            .uriSchemes("spacetime")
            .rank(256)
            .build();

    /** Property values (read at start; changes apply from the next start). */
    static final class Settings {
        String prompt = "", negativePrompt = "", model = "";
        long seed;
        int steps;
        double guidance = -1, duration;
        SamplerChoice sampler = SamplerChoice.DPMPP_2M;
        DeviceChoice device = DeviceChoice.AUTO;
    }

    /** What exists between start() and stop(). */
    private static final class State {
        VideoModel model;
        LongVideoGenerator generator;
        final ArrayDeque<byte[]> frames = new ArrayDeque<>();
        long produced;
        long total;            // frames to produce, -1 = endless
        int width, height, fps;
        boolean rgba;
        ElementException failure;
        volatile Cancellation cancellation = new Cancellation();
    }

    private final Settings settings = new Settings();
    private volatile State state;

    /**
     * Loads the model. A bad setting is kept and raised by the first create(), from the streaming
     * thread: an error there ends gst-launch with exit code 1 and a clear message, where a failed
     * state change would only say that the pipeline does not want to pause.
     */
    @Override
    protected void start() {
        State s = new State();
        state = s;
        if (settings.prompt == null || settings.prompt.isBlank()) {
            s.failure = new ElementException(ErrorCode.RESOURCE_SETTINGS,
                    "prompt is empty: set prompt=\"...\" (for the default model a World v1 caption, e.g. "
                            + "\"a red circle moves left on a black background\")");
            return;
        }
        String path = settings.model.isEmpty() ? DefaultModel.path() : settings.model;
        try {
            s.model = VideoModel.load(java.nio.file.Path.of(path), settings.device.device);
        } catch (InvalidModelPackageException e) {
            s.failure = new ElementException(ErrorCode.RESOURCE_OPEN_READ, "cannot use model package: " + e.getMessage(), e);
        }
    }

    @Override
    protected void stop() {
        State s = state;
        state = null;
        if (s != null) {
            s.cancellation.close();
            if (s.model != null) {
                s.model.close();
            }
        }
    }

    /** The current settings as a spacetime:///?prompt=...&seed=... URI. */
    @Override
    public String uri() {
        return SpacetimeUri.format(this);
    }

    /**
     * Sets properties from a spacetime:// URI: every query parameter is a property of this
     * element (URL-encoded), e.g. spacetime:///?prompt=a%20red%20circle%20moves%20left...&duration=4.
     */
    @Override
    public void setUri(String uri) {
        SpacetimeUri.apply(uri, this);
    }

    @Override
    protected void fixate(Caps caps) {
        State s = state;
        Manifest m = s == null || s.model == null ? null : s.model.manifest();
        caps.nearestInt("width", m == null ? 64 : m.nativeWidth()).nearestInt("height", m == null ? 64 : m.nativeHeight())
                .nearestFraction("framerate", m == null ? 8 : m.nativeFps(), 1).preferString("format", "RGB");
    }

    @Override
    protected void setCaps(Caps caps) throws ElementException {
        State s = state;
        if (s.failure != null) {
            return;    // reported by create()
        }
        Manifest m = s.model.manifest();
        s.width = caps.integer("width");
        s.height = caps.integer("height");
        s.rgba = "RGBA".equals(caps.string("format"));
        int[] fr = caps.fraction("framerate");
        if (fr[0] != m.nativeFps() * fr[1]) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "model " + m.name() + " makes " + m.nativeFps()
                    + " frames per second; caps ask for " + caps + " (accepted: framerate=" + m.nativeFps() + "/1)");
        }
        try {
            m.checkSize(s.width, s.height);
        } catch (IllegalArgumentException e) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, e.getMessage());
        }
        s.fps = m.nativeFps();
        s.total = settings.duration > 0 ? Math.round(settings.duration * s.fps) : -1;
        GenerationRequest.Builder b = GenerationRequest.builder(Task.TEXT_TO_VIDEO).prompt(settings.prompt)
                .negativePrompt(settings.negativePrompt).seed(settings.seed).steps(settings.steps)
                .sampler(settings.sampler.sampler).size(s.width, s.height);
        if (settings.guidance >= 0) {
            b.guidance(settings.guidance);
        }
        s.generator = new LongVideoGenerator(new VideoPipeline(s.model), b.build(), 2, true);
    }

    @Override
    protected long durationNanos() {
        return settings.duration > 0 ? Math.round(settings.duration * 1e9) : -1;
    }

    @Override
    protected Buffer create() throws ElementException, FlushingException {
        State s = state;
        if (s.failure != null) {
            throw s.failure;
        }
        if (s.total >= 0 && s.produced >= s.total) {
            return null;
        }
        if (s.frames.isEmpty()) {
            generateWindow(s);
        }
        byte[] rgb = s.frames.poll();
        byte[] data = s.rgba ? toRgba(rgb) : rgb;
        Buffer b = Buffer.allocate(data.length);
        b.write(data);
        long n = s.produced++;
        long pts = n * 1_000_000_000L / s.fps;
        b.setPts(pts).setDuration((n + 1) * 1_000_000_000L / s.fps - pts).setOffset(n).setOffsetEnd(n + 1);
        return b;
    }

    private void generateWindow(State s) throws FlushingException, ElementException {
        // One progress operation per window: gst-launch waits for open operations before PLAYING.
        int window = s.generator.windowsDone();
        postProgress("START", "generate", "window " + (window + 1) + " of \"" + settings.prompt + "\"");
        try {
            Video v = s.generator.next((w, step, total) -> {
                postElementMessage("spacetime-progress, window=(int)" + w + ", step=(int)" + step + ", total=(int)" + total);
                postProgress("CONTINUE", "generate", "window " + (w + 1) + ": step " + step + "/" + total);
            }, s.cancellation);
            for (int i = 0; i < v.frames(); i++) {
                s.frames.add(v.slice(i, i + 1).rgb());
            }
            postProgress("COMPLETE", "generate", "window " + (window + 1) + " done");
        } catch (Cancellation.CancelledException e) {
            postProgress("CANCELED", "generate", "window " + (window + 1) + " interrupted");
            throw new FlushingException();
        } catch (RuntimeException e) {
            postProgress("ERROR", "generate", "window " + (window + 1) + " failed");
            throw new ElementException(ErrorCode.STREAM_FAILED, "generation failed: " + e.getMessage(), e);
        }
    }

    @Override
    protected void unlock() {
        State s = state;
        if (s != null) {
            s.cancellation.cancel();     // stops within one denoising step, in-flight ONNX run included
        }
    }

    @Override
    protected void unlockStop() {
        State s = state;
        if (s != null) {
            s.cancellation.close();
            s.cancellation = new Cancellation();
        }
    }

    private static byte[] toRgba(byte[] rgb) {
        byte[] out = new byte[rgb.length / 3 * 4];
        for (int i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
            out[j] = rgb[i];
            out[j + 1] = rgb[i + 1];
            out[j + 2] = rgb[i + 2];
            out[j + 3] = (byte) 255;
        }
        return out;
    }
}
