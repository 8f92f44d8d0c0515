package org.spacetime.models;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * 24 hours of an endless stream (spacetimesrc duration=0: windows with no checkpoints) simulated by
 * counting windows, not wall time: every window is denoised and carried into the next as in the
 * element, one in 20 also decoded, by a stand-in package whose denoiser costs nothing (the shipped
 * package with zero-denoiser.onnx), so a day of 8 fps video (24,686 windows of 28 new frames) runs
 * in minutes. Prints RSS and Java heap
 * after warm-up and as it goes; exits 1 unless RSS at the end is within 5 % of RSS after warm-up.
 *
 *   mvn -q -pl models exec:exec@windows-24h        (after mvn install -DskipTests)
 */
public final class WindowsBenchmark {
    /** One window in this many is decoded too (decoding every window would take 53 minutes for a day). */
    private static final int DECODED_EVERY = 20;

    private WindowsBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path shipped = Path.of(args[0]);
        double hours = args.length > 1 ? Double.parseDouble(args[1]) : 24;
        Path pkg = Files.createTempDirectory("spacetime-stand-in");
        boolean flat;
        try {
            try (var s = Files.list(shipped)) {
                for (Path p : s.filter(Files::isRegularFile).toList()) {
                    Files.copy(p, pkg.resolve(p.getFileName()));
                }
            }
            try (var in = WindowsBenchmark.class.getResourceAsStream("/zero-denoiser.onnx")) {
                PackageValidationTest.replaceGraph(pkg, "denoiser", in.readAllBytes());
            }
            flat = run(pkg, hours);
        } finally {
            try (var s = Files.walk(pkg)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(flat ? 0 : 1);       // after the clean-up: System.exit does not run finally blocks
    }

    private static boolean run(Path pkg, double hours) throws Exception {
        try (VideoModel model = VideoModel.load(pkg, Device.CPU, 2); Cancellation c = new Cancellation()) {
            GenerationRequest r = GenerationRequest.builder(Task.TEXT_TO_VIDEO).prompt("a red circle moves right on a "
                    + "black background").steps(1).build();
            WindowedGenerator g = new WindowedGenerator(new VideoPipeline(model), r, 2, true, WindowedGenerator.Checkpoints.NONE);
            long windows = Math.round(hours * 3600 * model.manifest().nativeFps() / g.framesIn(1));
            // Measured: RSS still grows by about 6 % from window 1,000 to 5,000 (the allocator's arenas
            // and the JIT settle while the decoder has run a few hundred times), then stays flat.
            long warmUp = Math.min(5000, windows / 4);
            double rssWarm = 0, heapWarm = 0;
            long t0 = System.nanoTime();
            for (long w = 1; w <= windows; w++) {
                if (w % DECODED_EVERY == 0) {
                    g.next(ProgressListener.NONE, c);
                } else {   // denoised and carried on, not decoded: the decoder is what takes the time
                    g.seek(g.windowsDone() + 1, ProgressListener.NONE, c);
                }
                if (w == warmUp) {
                    heapWarm = RuntimeBenchmark.heapAfterGcMb();
                    rssWarm = RuntimeBenchmark.rssMb();
                    System.out.printf("after %,d windows (warm-up): RSS %.1f MB, heap %.1f MB%n", w, rssWarm, heapWarm);
                } else if (w == 1000 || w % 5000 == 0 || w == windows) {
                    System.out.printf("after %,d windows (%.1f h of video, %.0f s): RSS %.1f MB, heap %.1f MB%n", w,
                            w * g.framesIn(1) / 3600.0 / model.manifest().nativeFps(), (System.nanoTime() - t0) / 1e9,
                            RuntimeBenchmark.rssMb(), RuntimeBenchmark.heapAfterGcMb());
                }
            }
            double rssEnd = RuntimeBenchmark.rssMb(), heapEnd = RuntimeBenchmark.heapAfterGcMb();
            double change = (rssEnd - rssWarm) / rssWarm * 100;
            System.out.printf("%.1f h of duration=0 video (%,d windows): RSS %.1f -> %.1f MB (%+.1f %%), heap %.1f -> %.1f MB; "
                    + "target: RSS within 5 %% after warm-up: %s%n", hours, windows, rssWarm, rssEnd, change, heapWarm, heapEnd,
                    Math.abs(change) <= 5 ? "met" : "NOT met");
            return Math.abs(change) <= 5;
        }
    }
}
