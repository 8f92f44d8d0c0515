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
import org.spacetime.gst.framework.VideoFormats;
import org.spacetime.gst.framework.Segment;
import org.spacetime.gst.framework.UriHandler;
import org.spacetime.gst.framework.VideoConverter;
import org.spacetime.gst.framework.VideoInfo;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Manifest;
import org.spacetime.models.Task;
import org.spacetime.models.Video;
import org.spacetime.models.PromptText;
import org.spacetime.models.VideoModel;
import org.spacetime.models.VideoPipeline;
import org.spacetime.models.WindowedGenerator;

/**
 * spacetimesrc: generates video from a text prompt (and optionally a first image). Windows are
 * generated one ahead of playback on a worker thread; duration 0 streams without end. Seeking in
 * TIME regenerates from the window that holds the target (windows are deterministic per seed);
 * is-live paces frames to the clock for playout. Settings are the properties; the state (model,
 * generator, queued frames) is made in start() and dropped in stop().
 */
public final class SpacetimeSrc extends PushSource implements UriHandler {
    public static final ElementType<SpacetimeSrc> TYPE = ElementType
            .builder("spacetimesrc", SpacetimeSrc.class, SpacetimeSrc::new)
            .metadata("Spacetime video generator", "Source/Video",
                    "Generates video from a text prompt with a latent video diffusion model", "Spacetime")
            .srcPad("video/x-raw,format=" + VideoFormats.caps()
                    + ",width=[16,1024],height=[16,1024],framerate=[1/1,120/1],pixel-aspect-ratio=1/1,"
                    + "interlace-mode=progressive")
            .properties(GenerationSettings.<SpacetimeSrc>properties(e -> e.generation, "What the video shows (for the "
                    + "default model: a World v1 caption, e.g. \"a red circle moves left on a black background\")"))
            .properties(
                    Property.<SpacetimeSrc>ofDouble("duration", "Duration", "Seconds of video to generate, then EOS "
                            + "(0: endless stream)", 0, 86400, 0, e -> e.settings.duration, (e, v) -> e.settings.duration = v),
                    Property.<SpacetimeSrc>ofString("image", "First image", "A PNG or JPEG file that the video starts "
                            + "from (image to video); empty: text to video", "", e -> e.settings.image, (e, v) -> e.settings.image = v),
                    Property.<SpacetimeSrc>ofBoolean("loop", "Seamless loop", "Generate one clip whose end flows back "
                            + "into its start and repeat it", false, e -> e.settings.loop, (e, v) -> e.settings.loop = v),
                    Property.<SpacetimeSrc>ofBoolean("is-live", "Is live", "Act as a live source: frames are paced to "
                            + "the clock and timestamped in running time (playout)", false, e -> e.settings.live,
                            (e, v) -> { e.settings.live = v; e.setLive(v); }))
            .uriSchemes("spacetime")
            .rank(256)
            .build();

    /** Property values besides the shared generation settings (copied into the State at start). */
    static final class Settings {
        volatile double duration;
        volatile String image = "";
        volatile boolean loop, live;

        Config snapshot() {
            return new Config(duration, image, loop, live);
        }
    }

    /** The settings a stream runs with: fixed from start() to stop(), whatever the application sets meanwhile. */
    record Config(double duration, String image, boolean loop, boolean live) {}

    /** What exists between start() and stop(). */
    private static final class State {
        final Config config;
        VideoModel model;
        Video image;
        VideoInfo info;
        VideoConverter output;  // model RGB -> the negotiated format (GstVideoConverter)
        Manifest manifest;
        WindowedGenerator generator;
        WindowPrefetcher prefetcher;
        final ArrayDeque<byte[]> frames = new ArrayDeque<>();
        long produced;          // index of the next frame handed out
        long total;             // frames to produce, -1 = endless
        long seekFrame = -1;    // a seek waiting for the next create()
        long stopNanos = -1;    // the segment's stop
        int nextWindow;
        long liveBase = -1;     // running time of frame 0 in live mode

        State(Config config) {
            this.config = config;
        }
    }

    final GenerationSettings generation = new GenerationSettings();
    private final Settings settings = new Settings();
    private volatile State state;

    /**
     * Checks the settings and loads the image and the model: a bad one fails the state change with
     * its error, before streaming, as filesrc does (an error from the first buffer races with
     * gst-launch's preroll and hung it in about 3 % of runs).
     */
    @Override
    protected void start() throws ElementException {
        generation.checkPrompts(true);
        State s = new State(settings.snapshot());
        if (!s.config.image().isEmpty()) {
            s.image = ImageFile.read(s.config.image());
        }
        s.model = generation.loadModel();
        s.manifest = s.model.manifest();
        state = s;
        log.debug("started: model {}, prompt {}, seed {}, {}", s.manifest.name(), PromptText.shown(generation.prompt()),
                generation.seed, s.config);
    }

    @Override
    protected void stop() {
        State s = state;
        state = null;
        if (s != null) {
            if (s.prefetcher != null) {
                s.prefetcher.close();
            }
            if (s.output != null) {
                s.output.close();
            }
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

    /**
     * What the model makes: its frame rate, the sizes it allows (multiples, min, max: a caps range
     * with a step), square pixels, progressive. With only the template's ranges a videorate or
     * videoscale downstream would pick a rate or size the model cannot make.
     */
    @Override
    protected String caps() {
        State s = state;
        Manifest m = s == null ? null : s.manifest;
        if (m == null) {
            return null;
        }
        int step = m.sizeMultiple(), min = Math.max(step, (m.minSize() + step - 1) / step * step);
        String sizes = "[" + min + "," + (m.maxSize() / step * step) + "," + step + "]";
        return "video/x-raw,format=" + VideoFormats.caps() + ",width=(int)" + sizes + ",height=(int)" + sizes
                + ",framerate=" + m.nativeFps() + "/1,pixel-aspect-ratio=1/1,interlace-mode=progressive";
    }

    @Override
    protected void capsRefused(String downstream) {
        State s = state;
        Manifest m = s == null ? null : s.manifest;
        if (m != null) {
            postError(ErrorCode.CORE_NEGOTIATION, "model " + m.name() + " cannot make the video downstream accepts ("
                    + downstream + "): it makes " + m.nativeFps() + " frames per second, width and height multiples of "
                    + m.sizeMultiple() + " between " + m.minSize() + " and " + m.maxSize() + " (native " + m.nativeWidth()
                    + "x" + m.nativeHeight() + "), square pixels, progressive; put videorate, videoscale or videoconvert "
                    + "after spacetimesrc to convert", null);
        }
    }

    @Override
    protected void fixate(Caps caps) {
        State s = state;
        Manifest m = s == null ? null : s.manifest;
        caps.nearestInt("width", m == null ? 64 : m.nativeWidth()).nearestInt("height", m == null ? 64 : m.nativeHeight())
                .nearestFraction("framerate", m == null ? 8 : m.nativeFps(), 1).preferString("format", "RGB");
    }

    @Override
    protected void setCaps(Caps caps) throws ElementException {
        State s = state;
        Manifest m = s.manifest;
        VideoInfo info = VideoInfo.of(caps);
        log.debug("caps {}", caps);
        if (info.fpsN() != m.nativeFps() * info.fpsD()) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, "model " + m.name() + " makes " + m.nativeFps()
                    + " frames per second; caps ask for " + caps + " (accepted: framerate=" + m.nativeFps() + "/1)");
        }
        try {
            m.checkSize(info.width(), info.height());
        } catch (IllegalArgumentException e) {
            throw new ElementException(ErrorCode.CORE_NEGOTIATION, e.getMessage());
        }
        if (s.prefetcher != null) {      // renegotiation: start over at the new size
            s.prefetcher.close();
            s.frames.clear();
            s.seekFrame = s.produced;
        }
        VideoConverter output = VideoConverter.between(StreamFormat.modelCaps(info.width(), info.height(), info), caps.toString());
        if (s.output != null) {
            s.output.close();
        }
        s.output = output;
        s.info = info;
        Config c = s.config;
        s.total = c.duration() > 0 ? Math.round(c.duration() * m.nativeFps()) : -1;   // as durationNanos
        Task task = c.loop() ? Task.LOOP : s.image != null ? Task.IMAGE_TO_VIDEO : Task.TEXT_TO_VIDEO;
        GenerationRequest request = generation.request(task, info.width(), info.height()).startFrames(s.image).build();
        // Seeking back needs checkpoints; an endless or live stream never seeks back, so keeps none.
        WindowedGenerator.Checkpoints policy = c.live() || s.total < 0 ? WindowedGenerator.Checkpoints.NONE
                : WindowedGenerator.Checkpoints.bounded(64);
        WindowedGenerator generator = new WindowedGenerator(new VideoPipeline(s.model), request, 2, true, policy);
        s.generator = generator;
        int windows = c.loop() ? 1 : generator.windowsFor(s.total);
        s.prefetcher = new WindowPrefetcher(this, PromptText.shown(generation.prompt()), windows, (index, progress, cancel) -> {
            generator.setPrompt(generation.prompt(), generation.negativePrompt());   // may change while PLAYING
            return generator.window(index, progress, cancel);
        });
    }

    /** The end of the last frame once the model's frame rate is known (duration=4.1 at 8 fps: 33 frames, 4.125 s). */
    @Override
    protected long durationNanos() {
        State s = state;
        double duration = s != null ? s.config.duration() : settings.snapshot().duration();
        if (duration <= 0) {
            return -1;
        }
        if (s == null || s.manifest == null) {
            return Math.round(duration * 1e9);
        }
        int fps = s.manifest.nativeFps();
        return Math.floorDiv(Math.round(duration * fps) * 1_000_000_000L, fps);
    }

    @Override
    protected boolean isSeekable() {
        State s = state;
        return !(s != null ? s.config.live() : settings.live);
    }

    /** Remembers the target frame; create() moves there (the streaming thread is stopped now). */
    @Override
    protected boolean doSeek(Segment segment) {
        State s = state;
        if (!segment.isTime() || segment.rate() < 0) {
            return false;    // generation runs forward in time only
        }
        if (s != null && s.manifest != null) {
            long fps = s.manifest.nativeFps();
            long frame = Math.max(0, segment.start()) * fps / 1_000_000_000L;
            s.stopNanos = segment.stop();
            s.seekFrame = frame == s.produced ? -1 : frame;    // the queued frames already start there
            log.debug("seek to frame {} (segment {} to {} ns)", frame, segment.start(), segment.stop());
        }
        return true;
    }

    @Override
    protected long latencyNanos() {
        State s = state;
        // Live frames are timestamped when ready and handed out at once: at most one frame late.
        return s != null && s.config.live() && s.manifest != null ? 1_000_000_000L / s.manifest.nativeFps() : -1;
    }

    @Override
    protected Buffer create() throws ElementException, FlushingException {
        State s = state;
        if (s.seekFrame >= 0) {
            moveTo(s, s.seekFrame);
            s.seekFrame = -1;
        }
        if (s.total >= 0 && s.produced >= s.total) {
            return null;
        }
        long pts = s.info.frameTime(s.produced);
        if (s.stopNanos >= 0 && pts >= s.stopNanos) {
            return null;                       // end of the seek segment
        }
        if (s.frames.isEmpty()) {
            queueWindow(s, 0);
        }
        byte[] rgb = s.frames.poll();
        Buffer b = s.output.convert(rgb);
        long n = s.produced++;
        long duration = s.info.frameTime(n + 1) - pts;
        if (s.config.live()) {
            if (s.liveBase < 0) {
                s.liveBase = Math.max(0, runningTime());
            }
            pts += s.liveBase;
        }
        b.setPts(pts).setDuration(duration).setOffset(n).setOffsetEnd(n + 1);
        log.trace("frame {} at {} ns", n, pts);
        return b;
    }

    /** Queues the next window's frames from frame {@code skip} of it on; starts on the one after. */
    private void queueWindow(State s, int skip) throws ElementException, FlushingException {
        int index = s.nextWindow;
        log.debug("window {} from frame {} of it", index, skip);
        Video v = s.prefetcher.take(index, !s.config.loop() && (s.total < 0 || framesThrough(s, index) < s.total));
        s.nextWindow++;
        for (int i = skip; i < v.frames(); i++) {
            s.frames.add(v.slice(i, i + 1).rgb());
        }
    }

    /** Frames of the stream up to the end of window {@code index}. */
    private static long framesThrough(State s, int index) {
        return s.generator.framesIn(0) + (long) index * s.generator.framesIn(1);
    }

    /** Repositions on frame {@code frame}: the window that holds it is (re)generated, earlier frames dropped. */
    private void moveTo(State s, long frame) throws ElementException, FlushingException {
        s.frames.clear();
        s.produced = frame;
        int[] where = s.generator.locate(frame);
        s.nextWindow = where[0];
        queueWindow(s, where[1]);
    }

    @Override
    protected void unlock() {
        State s = state;
        if (s != null && s.prefetcher != null) {
            s.prefetcher.interrupt();     // stops within one denoising step, in-flight ONNX run included
        }
    }

    @Override
    protected void unlockStop() {
        State s = state;
        if (s != null && s.prefetcher != null) {
            s.prefetcher.resume();
        }
    }
}
