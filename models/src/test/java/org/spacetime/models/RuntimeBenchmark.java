package org.spacetime.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Prints the runtime's figures for a package (default: the shipped one) on this machine:
 * real-time factor of one window at default settings, share of wall time outside ONNX Runtime,
 * denoiser step time, and for 60 s streams of three prompts, with and without re-normalisation:
 * time to first frame, RSS at 10 s and at 60 s, and what the first and last 10 s show
 * ({@link ClipStatistics}: background and object colour, object area and count), for drift.
 *
 *   mvn -q -pl models exec:exec     (runs it in a JVM with a fixed 512 MB pre-touched heap: see the pom)
 */
public final class RuntimeBenchmark {
    private RuntimeBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path pkg = Path.of(args.length > 0 ? args[0] : "spacetime-world-v1");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        try (VideoModel model = VideoModel.load(pkg, Device.AUTO, threads)) {
            VideoPipeline p = new VideoPipeline(model);
            Manifest m = model.manifest();
            String prompt = "a red circle bounces on a gray background";
            out("package %s on %s, %d threads", m.name(), model.device(), threads);
            GenerationRequest.Builder req = GenerationRequest.builder(Task.TEXT_TO_VIDEO).prompt(prompt).seed(1);
            // Warm-up (JIT, ONNX Runtime's first runs), timed: what a stream's first windows cost.
            long[] first = new long[3];
            for (int i = 0; i < first.length; i++) {
                first[i] = time(() -> p.generate(req.build()));
            }
            out("first windows after the load: %.0f, %.0f, %.0f ms", first[0] / 1e6, first[1] / 1e6, first[2] / 1e6);
            double seconds = (double) m.framesPerWindow() / m.nativeFps();
            long[] wall = new long[10];
            long ort = 0;
            for (int i = 0; i < wall.length; i++) {
                OrtTimer.reset();
                long t0 = System.nanoTime();
                p.generate(req.seed(i).build());
                wall[i] = System.nanoTime() - t0;
                ort += OrtTimer.nanos();
            }
            long med = median(wall);
            out("one window: %d frames (%.2f s of video) %dx%d, %d steps %s, guidance %.1f at noise levels in (%.2f, %.2f]: "
                    + "median %.1f ms (min %.1f)", m.framesPerWindow(), seconds, m.nativeWidth(), m.nativeHeight(),
                    m.defaultSteps(), "dpm++2m", m.defaultGuidance(), m.guidanceInterval()[0], m.guidanceInterval()[1],
                    med / 1e6, Arrays.stream(wall).min().getAsLong() / 1e6);
            out("real-time factor (wall / video duration): %.3f (min %.3f)", med / 1e9 / seconds,
                    Arrays.stream(wall).min().getAsLong() / 1e9 / seconds);
            out("time outside ONNX Runtime run calls: %.1f %%", 100.0 * (1 - (double) ort / Arrays.stream(wall).sum()));
            int tokens = m.windowLatentFrames() * (m.nativeWidth() / m.spatialFactor() / m.patchSize()[2])
                    * (m.nativeHeight() / m.spatialFactor() / m.patchSize()[1]);
            // Step time from the difference of 20 and 10 steps: guided at every step, then at none.
            String pair = model.sessions().denoiserLanes().isEmpty() ? "guidance pair (batch 2)"
                    : "guidance pair (two batch-1 runs side by side)";
            for (double[] interval : new double[][] {{0, 1}, {0.99, 0.995}}) {
                GenerationRequest.Builder b = req.guidanceInterval(interval[0], interval[1]);
                long s10 = time(() -> p.generate(b.steps(10).build())), s20 = time(() -> p.generate(b.steps(20).build()));
                out("denoiser step, %s (%d tokens): %.2f ms", interval[1] == 1 ? pair : "conditional only (batch 1)",
                        tokens, (s20 - s10) / 10 / 1e6);
            }
            req.guidanceInterval(Double.NaN, Double.NaN);

            // 60 s streams: memory, time to first frames, and drift (what the first and last 10 s show).
            String[] prompts = {prompt, "a small yellow square bounces on a navy background while snow falls",
                                "a green circle bounces on a black background"};
            for (String streamPrompt : prompts) {
                for (boolean renorm : new boolean[] {false, true}) {
                    stream(p, m, req.prompt(streamPrompt).steps(0).seed(3).build(), renorm);
                }
            }
        }
    }

    private static void stream(VideoPipeline p, Manifest m, GenerationRequest request, boolean renorm) throws IOException {
        WindowedGenerator g = new WindowedGenerator(p, request, 2, renorm, WindowedGenerator.Checkpoints.NONE);
        long t0 = System.nanoTime();
        double video = 0, rss10 = 0, heap10 = 0, firstMs = 0;
        Video first = null;
        ArrayDeque<Video> last = new ArrayDeque<>();
        try (Cancellation c = new Cancellation()) {
            while (video < 60) {
                Video w = g.next(ProgressListener.NONE, c);
                if (g.windowsDone() == 1) {
                    firstMs = (System.nanoTime() - t0) / 1e6;
                }
                first = first == null ? w : first.frames() < 10 * m.nativeFps() ? Video.concat(first, w) : first;
                last.add(w);
                while (last.stream().mapToInt(Video::frames).sum() - last.peek().frames() >= 10 * m.nativeFps()) {
                    last.poll();
                }
                video += (double) w.frames() / m.nativeFps();
                if (rss10 == 0 && video >= 10) {
                    heap10 = heapAfterGcMb();
                    rss10 = rssMb();
                }
            }
        }
        double wallS = (System.nanoTime() - t0) / 1e9, heap60 = heapAfterGcMb(), rss60 = rssMb();
        Video end = last.poll();
        while (!last.isEmpty()) {
            end = Video.concat(end, last.poll());
        }
        out("60 s stream \"%s\" (overlap 2 latents, renormalise %s): %.1f s of video in %.1f s (RTF %.3f), first frames "
                + "after %.0f ms (one window); RSS %.0f MB at 10 s, %.0f MB at %.0f s (%+.1f %%); Java heap in use after GC "
                + "%.1f MB at 10 s, %.1f MB at the end%n  first %.0f s: %s%n  last %.0f s:  %s",
                request.prompt(), renorm, video, wallS, wallS / video, firstMs, rss10, rss60, video,
                100 * (rss60 - rss10) / rss10, heap10, heap60, (double) first.frames() / m.nativeFps(),
                ClipStatistics.of(first), (double) end.frames() / m.nativeFps(), ClipStatistics.of(end));
    }

    private interface Body { void run() throws Exception; }

    private static long time(Body b) throws Exception {
        long t0 = System.nanoTime();
        b.run();
        return System.nanoTime() - t0;
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static double heapAfterGcMb() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    }

    static double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    @SuppressWarnings("java:S106")   // a benchmark's job is to print
    private static void out(String fmt, Object... args) {
        System.out.println(String.format(fmt, args));
    }
}
