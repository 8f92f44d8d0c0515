package org.spacetime.gst.elements;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.models.Video;

/**
 * Reads the first image of image-to-video (PNG or JPEG, through the JDK's ImageIO). The file is
 * untrusted: its size is read from the header and checked before any pixel is decoded, and a large
 * image is decoded subsampled (every n-th pixel), since the model works at 256 px at most.
 */
final class ImageFile {
    /** Largest width and height accepted (models/README.md, limits). */
    static final int MAX_SIDE = 8192;
    /** Images are decoded at no more than this many pixels on their longer side. */
    static final int DECODED_SIDE = 1024;

    private ImageFile() {}

    /** The image as a one-frame video; a missing, unreadable or oversized file is an error naming it. */
    static Video read(String file) throws ElementException {
        Path path = Path.of(file).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new ElementException(ErrorCode.RESOURCE_NOT_FOUND, "image file " + path
                    + " does not exist (image= takes a PNG or JPEG file)");
        }
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw notAnImage(path);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w > MAX_SIDE || h > MAX_SIDE) {
                    throw new ElementException(ErrorCode.RESOURCE_SETTINGS, "image file " + path + " is " + w + "x" + h
                            + " pixels; image= accepts at most " + MAX_SIDE + "x" + MAX_SIDE);
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int every = Math.max(1, (Math.max(w, h) + DECODED_SIDE - 1) / DECODED_SIDE);
                param.setSourceSubsampling(every, every, 0, 0);
                img = reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new ElementException(ErrorCode.RESOURCE_OPEN_READ, "cannot read image file " + path + ": "
                    + e.getMessage() + " (image= takes a PNG or JPEG file)", e);
        }
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0, o = 0; i < argb.length; i++, o += 3) {
            rgb[o] = (byte) (argb[i] >> 16);
            rgb[o + 1] = (byte) (argb[i] >> 8);
            rgb[o + 2] = (byte) argb[i];
        }
        return new Video(1, w, h, rgb);
    }

    private static ElementException notAnImage(Path path) {
        return new ElementException(ErrorCode.RESOURCE_OPEN_READ, "image file " + path + " is not a PNG or JPEG image");
    }
}
