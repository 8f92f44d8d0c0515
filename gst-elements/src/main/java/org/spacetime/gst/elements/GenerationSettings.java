package org.spacetime.gst.elements;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import org.spacetime.gst.framework.Element;
import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.gst.framework.Property;
import org.spacetime.models.GenerationRequest;
import org.spacetime.models.InvalidModelPackageException;
import org.spacetime.models.PromptText;
import org.spacetime.models.Task;
import org.spacetime.models.VideoModel;

/**
 * The settings every generating element shares (prompt, model, sampling), their properties
 * declared once, and how they become a loaded model and a request.
 */
final class GenerationSettings {
    /** The prompts may change while PLAYING (read once per window, as textoverlay reads its text per frame). */
    volatile String prompt = "", negativePrompt = "";
    String model = "";
    long seed;
    int steps;
    double guidance = -1;
    SamplerChoice sampler = SamplerChoice.DPMPP_2M;
    DeviceChoice device = DeviceChoice.AUTO;

    /** The shared properties of an element whose settings {@code of} returns. */
    static <E extends Element> List<Property<E>> properties(Function<E, GenerationSettings> of, String promptBlurb) {
        return List.of(
                Property.<E>ofString("prompt", "Prompt", promptBlurb + "; may change while PLAYING: applies from "
                        + "the next window generated", "", e -> of.apply(e).prompt, (e, v) -> of.apply(e).prompt = v)
                        .mutablePlaying(),
                Property.<E>ofString("negative-prompt", "Negative prompt",
                        "What the video should not show (guidance pushes away from it); may change while PLAYING", "",
                        e -> of.apply(e).negativePrompt, (e, v) -> of.apply(e).negativePrompt = v).mutablePlaying(),
                Property.<E>ofString("model", "Model package", "Directory of the model package "
                        + "(models/README.md); empty: the shipped default model", "",
                        e -> of.apply(e).model, (e, v) -> of.apply(e).model = v),
                Property.<E>ofUInt64("seed", "Seed", "Random seed: the same settings and seed give the "
                        + "same frames on CPU", 0, e -> of.apply(e).seed, (e, v) -> of.apply(e).seed = v),
                Property.<E>ofInt("steps", "Steps", "Denoising steps per window (0: the model's default)",
                        0, 1000, 0, e -> of.apply(e).steps, (e, v) -> of.apply(e).steps = v),
                Property.<E>ofDouble("guidance", "Guidance", "Classifier-free guidance scale "
                        + "(-1: the model's default)", -1, 50, -1, e -> of.apply(e).guidance, (e, v) -> of.apply(e).guidance = v),
                Property.<E, SamplerChoice>ofChoice("sampler", "Sampler", "Solver of the flow",
                        SamplerChoice.class, SamplerChoice.DPMPP_2M, e -> of.apply(e).sampler, (e, v) -> of.apply(e).sampler = v),
                Property.<E, DeviceChoice>ofChoice("device", "Device", "Where the model runs",
                        DeviceChoice.class, DeviceChoice.AUTO, e -> of.apply(e).device, (e, v) -> of.apply(e).device = v));
    }

    String prompt() {
        return prompt == null ? "" : prompt;
    }

    String negativePrompt() {
        return negativePrompt == null ? "" : negativePrompt;
    }

    /** The model package directory these settings name. */
    String modelPath() {
        return model.isEmpty() ? DefaultModel.path() : model;
    }

    /** Loads (or shares) the model; a bad package is an error naming the path and what is wrong. */
    VideoModel loadModel() throws ElementException {
        try {
            return VideoModel.load(Path.of(modelPath()), device.device);
        } catch (InvalidModelPackageException e) {
            throw new ElementException(ErrorCode.RESOURCE_OPEN_READ, "cannot use model package: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the prompts before streaming: an empty prompt where one is {@code required}, or one
     * longer than the limit, is an error that says what is accepted.
     */
    void checkPrompts(boolean required) throws ElementException {
        if (required && (prompt == null || prompt.isBlank())) {
            throw new ElementException(ErrorCode.RESOURCE_SETTINGS,
                    "prompt is empty: set prompt=\"...\" (for the default model a World v1 caption, e.g. "
                            + "\"a red circle moves left on a black background\")");
        }
        try {
            PromptText.checked(prompt, "prompt");
            PromptText.checked(negativePrompt, "negative-prompt");
        } catch (IllegalArgumentException e) {
            throw new ElementException(ErrorCode.RESOURCE_SETTINGS, e.getMessage(), e);
        }
    }

    /** A request for {@code task} with these settings at the given model size. */
    GenerationRequest.Builder request(Task task, int width, int height) {
        GenerationRequest.Builder b = GenerationRequest.builder(task).prompt(prompt).negativePrompt(negativePrompt)
                .seed(seed).steps(steps).sampler(sampler.sampler).size(width, height);
        if (guidance >= 0) {
            b.guidance(guidance);
        }
        return b;
    }
}
