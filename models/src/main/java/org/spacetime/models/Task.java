package org.spacetime.models;

/** The generation tasks one model serves, told apart by which frames are given. */
public enum Task {
    /** Noise to video from the prompt. */
    TEXT_TO_VIDEO,
    /** The first frame is given (startFrames with one frame). */
    IMAGE_TO_VIDEO,
    /** Frames given at the start; the rest continues them. */
    EXTEND_FORWARD,
    /** Frames given at the end; the start leads into them. */
    EXTEND_BACKWARD,
    /** Frames given at both ends; the middle connects them. */
    CONNECT,
    /** A clip whose last frame flows back into its first. */
    LOOP,
    /** Given frames noised to a strength and denoised again (SDEdit). */
    VIDEO_TO_VIDEO
}
