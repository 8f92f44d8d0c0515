package org.spacetime.models.world;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.spacetime.models.Device;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.Sampler;
import org.spacetime.models.Task;
import org.spacetime.models.Video;
import org.spacetime.models.VideoModel;
import org.spacetime.models.VideoPipeline;

/**
 * Scores sampling settings of a World v1 package by what the clips show (WorldJudge) and by time:
 * for each setting, one 33-frame window per caption of a fixed list of in-distribution single-object
 * captions (seed = index), the share whose object has the caption's colour and motion, and the
 * median time per window.
 *
 *   mvn -q -pl models exec:exec@evaluate-sampling            (the settings in models/pom.xml)
 *   ... SamplingEvaluation PACKAGE THREADS CAPTIONS steps=10,sampler=dpm++2m,guidance=4 interval=0.3:0.95 ...
 */
public final class SamplingEvaluation {
    private SamplingEvaluation() {}

    public static void main(String[] args) throws Exception {
        Path pkg = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]), n = Integer.parseInt(args[2]);
        List<WorldCaption> captions = WorldCaption.inDistribution(n);
        try (VideoModel model = VideoModel.load(pkg, Device.CPU, threads)) {
            VideoPipeline p = new VideoPipeline(model);
            double seconds = (double) model.manifest().framesPerWindow() / model.manifest().nativeFps();
            p.generate(GenerationRequest.builder(Task.TEXT_TO_VIDEO).prompt(captions.get(0).toString()).build());   // warm-up
            out("%d captions, %d threads, one %d-frame window each (%.2f s of video)%n", n, threads,
                    model.manifest().framesPerWindow(), seconds);
            out("| setting | colour | motion | both | ms per window | real-time factor |%n| --- | --- | --- | --- | --- | --- |%n");
            for (String setting : Arrays.copyOfRange(args, 3, args.length)) {
                int colour = 0, motion = 0, both = 0;
                long[] ms = new long[n];
                for (int i = 0; i < n; i++) {
                    WorldCaption c = captions.get(i);
                    GenerationRequest r = request(setting, c.toString(), i);
                    long t0 = System.nanoTime();
                    Video v = p.generate(r);
                    ms[i] = (System.nanoTime() - t0) / 1_000_000;
                    WorldJudge.Verdict verdict = WorldJudge.judge(v, c);
                    colour += verdict.colourMatches(c) ? 1 : 0;
                    motion += verdict.motionMatches(c) ? 1 : 0;
                    both += verdict.colourMatches(c) && verdict.motionMatches(c) ? 1 : 0;
                }
                Arrays.sort(ms);
                out("| %s | %.2f | %.2f | %.2f | %d | %.3f |%n", setting, (double) colour / n, (double) motion / n,
                        (double) both / n, ms[n / 2], ms[n / 2] / 1000.0 / seconds);
            }
        }
    }

    /** A request from "steps=8,sampler=euler,guidance=4" (unset: the package's defaults). */
    static GenerationRequest request(String setting, String prompt, long seed) {
        GenerationRequest.Builder b = GenerationRequest.builder(Task.TEXT_TO_VIDEO).prompt(prompt).seed(seed);
        for (String kv : setting.split(",")) {
            String[] p = kv.split("=", 2);
            switch (p[0]) {
                case "steps" -> b.steps(Integer.parseInt(p[1]));
                case "sampler" -> b.sampler(Sampler.parse(p[1]));
                case "guidance" -> b.guidance(Double.parseDouble(p[1]));
                case "interval" -> {
                    String[] ft = p[1].split(":");
                    b.guidanceInterval(Double.parseDouble(ft[0]), Double.parseDouble(ft[1]));
                }
                case "default" -> { }
                default -> throw new IllegalArgumentException("unknown setting " + kv
                        + "; accepted: steps, sampler, guidance, interval=FROM:TO");
            }
        }
        return b.build();
    }

    @SuppressWarnings("java:S106")   // a benchmark's job is to print
    private static void out(String fmt, Object... args) {
        System.out.print(String.format(fmt, args));
    }
}
