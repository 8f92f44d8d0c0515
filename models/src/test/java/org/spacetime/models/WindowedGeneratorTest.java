package org.spacetime.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Window after window: seeks reproduce a straight run, prompts change per window, memory stays bounded. */
class WindowedGeneratorTest {
    static VideoModel model;
    static VideoPipeline pipeline;
    static final String PROMPT = "a red circle moves right on a black background";

    @BeforeAll
    static void load() {
        model = VideoModel.load(RuntimeTest.PACKAGE, Device.CPU, 2);
        pipeline = new VideoPipeline(model);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static GenerationRequest.Builder text() {
        return GenerationRequest.builder(Task.TEXT_TO_VIDEO).prompt(PROMPT).steps(2).seed(11);
    }

    static List<byte[]> straight(GenerationRequest r, int windows) {
        WindowedGenerator g = new WindowedGenerator(pipeline, r, 2, true, WindowedGenerator.Checkpoints.NONE);
        List<byte[]> out = new ArrayList<>();
        try (Cancellation c = new Cancellation()) {
            for (int i = 0; i < windows; i++) {
                Video v = g.next(ProgressListener.NONE, c);
                assertEquals(g.framesIn(i), v.frames(), "window " + i + " has framesIn(" + i + ") frames");
                out.add(v.rgb());
            }
        }
        return out;
    }

    @Test
    void anyWindowAfterASeekEqualsAStraightRun() {
        GenerationRequest r = text().build();
        List<byte[]> run = straight(r, 6);
        for (WindowedGenerator.Checkpoints policy : List.of(WindowedGenerator.Checkpoints.NONE,
                WindowedGenerator.Checkpoints.bounded(2), WindowedGenerator.Checkpoints.bounded(64))) {
            WindowedGenerator g = new WindowedGenerator(pipeline, r, 2, true, policy);
            try (Cancellation c = new Cancellation()) {
                for (int i : new int[] {5, 3, 1, 4, 0, 2, 5}) {   // forward past the end, back, and forward again
                    assertArrayEquals(run.get(i), g.window(i, ProgressListener.NONE, c).rgb(), policy + ": window " + i);
                }
            }
        }
    }

    @Test
    void backwardWindowsChainAndSeek() {
        Video given = pipeline.generate(text().frames(9).build());
        GenerationRequest r = GenerationRequest.builder(Task.EXTEND_BACKWARD).prompt(PROMPT).steps(2).seed(3)
                .endFrames(given.slice(0, 8)).build();
        List<byte[]> run = straight(r, 3);
        assertEquals(33 - 8, new WindowedGenerator(pipeline, r, 2, false, WindowedGenerator.Checkpoints.NONE).framesIn(1));
        WindowedGenerator g = new WindowedGenerator(pipeline, r, 2, false, WindowedGenerator.Checkpoints.bounded(8));
        try (Cancellation c = new Cancellation()) {
            for (int i : new int[] {2, 1, 2, 0}) {
                assertArrayEquals(run.get(i), g.window(i, ProgressListener.NONE, c).rgb(), "backward window " + i);
            }
        }
    }

    @Test
    void aLoopIsOneClipRepeated() {
        GenerationRequest r = GenerationRequest.builder(Task.LOOP).prompt(PROMPT).steps(2).frames(17).build();
        WindowedGenerator g = new WindowedGenerator(pipeline, r, 2, false, WindowedGenerator.Checkpoints.NONE);
        try (Cancellation c = new Cancellation()) {
            Video a = g.window(0, ProgressListener.NONE, c), b = g.window(3, ProgressListener.NONE, c);
            assertEquals(g.framesIn(0), a.frames());
            assertArrayEquals(a.rgb(), b.rgb());
            assertArrayEquals(pipeline.generate(r).rgb(), a.rgb(), "the same clip as one LOOP generation");
        }
    }

    @Test
    void aNewPromptAppliesFromTheNextWindow() {
        GenerationRequest r = text().build();
        List<byte[]> run = straight(r, 3);
        WindowedGenerator g = new WindowedGenerator(pipeline, r, 2, true, WindowedGenerator.Checkpoints.NONE);
        try (Cancellation c = new Cancellation()) {
            assertArrayEquals(run.get(0), g.next(ProgressListener.NONE, c).rgb());
            assertArrayEquals(run.get(1), g.next(ProgressListener.NONE, c).rgb());
            g.setPrompt("a blue square moves left on a white background", "");
            assertFalse(Arrays.equals(run.get(2), g.next(ProgressListener.NONE, c).rgb()), "window 2 follows the new prompt");
        }
    }

    @Test
    void extendForwardHandsOutOnlyNewFrames() {
        Video given = pipeline.generate(text().frames(9).build());
        GenerationRequest r = GenerationRequest.builder(Task.EXTEND_FORWARD).prompt(PROMPT).steps(2).startFrames(given).build();
        WindowedGenerator g = new WindowedGenerator(pipeline, r, 2, true, WindowedGenerator.Checkpoints.NONE);
        assertEquals(33 - 9, g.framesIn(0));
        try (Cancellation c = new Cancellation()) {
            assertEquals(33 - 9, g.next(ProgressListener.NONE, c).frames());
            assertEquals(28, g.next(ProgressListener.NONE, c).frames());
        }
    }

    /**
     * 10,000 windows (about 10 hours of 8 fps video) with a stand-in denoiser that costs nothing:
     * the checkpoints stay within the policy's bound and the heap does not grow. Measured with a GC
     * before each reading, after 1,000 windows and after 10,000.
     */
    @Test
    void memoryStaysBoundedOverTenThousandWindows(@TempDir Path tmp) throws Exception {
        Path pkg = tmp.resolve("stand-in");
        Files.createDirectories(pkg);
        try (var s = Files.list(RuntimeTest.PACKAGE)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, pkg.resolve(p.getFileName()));
            }
        }
        try (var in = WindowedGeneratorTest.class.getResourceAsStream("/zero-denoiser.onnx")) {
            PackageValidationTest.replaceGraph(pkg, "denoiser", in.readAllBytes());
        }
        try (VideoModel standIn = VideoModel.load(pkg, Device.CPU, 1); Cancellation c = new Cancellation()) {
            VideoPipeline p = new VideoPipeline(standIn);
            GenerationRequest r = text().steps(1).guidance(1).build();
            for (WindowedGenerator.Checkpoints policy : List.of(WindowedGenerator.Checkpoints.NONE,
                    WindowedGenerator.Checkpoints.bounded(64))) {
                WindowedGenerator g = new WindowedGenerator(p, r, 2, true, policy);
                g.seek(1_000, ProgressListener.NONE, c);
                long heap1k = RuntimeTest.usedHeapAfterGc();
                g.seek(10_000, ProgressListener.NONE, c);
                long heap10k = RuntimeTest.usedHeapAfterGc();
                assertTrue(g.checkpointCount() <= policy.max(), policy + ": " + g.checkpointCount() + " checkpoints");
                assertTrue(heap10k < heap1k + (2 << 20), policy + ": heap after 1,000 windows " + heap1k
                        + " bytes, after 10,000 " + heap10k);
                g.seek(9_000, ProgressListener.NONE, c);   // back, from the nearest checkpoint
                assertEquals(9_000, g.windowsDone());
            }
        }
    }
}
