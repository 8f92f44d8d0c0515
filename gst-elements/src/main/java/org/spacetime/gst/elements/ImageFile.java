package org.spacetime.gst.elements;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.spacetime.gst.framework.ElementException;
import org.spacetime.gst.framework.ErrorCode;
import org.spacetime.models.Video;

/** Reads the first image of image-to-video (PNG or JPEG, through the JDK's ImageIO). */
final class ImageFile {
    private ImageFile() {}

    /** The image as a one-frame video; a missing or unreadable file is an error naming it. */
    static Video read(String file) throws ElementException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new ElementException(ErrorCode.RESOURCE_NOT_FOUND, "image file " + path.toAbsolutePath()
                    + " does not exist (image= takes a PNG or JPEG file)");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(path.toFile());
        } catch (IOException e) {
            throw new ElementException(ErrorCode.RESOURCE_OPEN_READ, "cannot read image file " + path.toAbsolutePath()
                    + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new ElementException(ErrorCode.RESOURCE_OPEN_READ, "image file " + path.toAbsolutePath()
                    + " is not a PNG or JPEG image");
        }
        int w = img.getWidth(), h = img.getHeight();
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++, o += 3) {
                int p = img.getRGB(x, y);
                rgb[o] = (byte) (p >> 16);
                rgb[o + 1] = (byte) (p >> 8);
                rgb[o + 2] = (byte) p;
            }
        }
        return new Video(1, w, h, rgb);
    }
}
