package org.spacetime.gst.elements;

import org.spacetime.gst.framework.Property;
import org.spacetime.models.Device;

/** The "device" property's values. */
public enum DeviceChoice implements Property.Choice {
    AUTO("auto", "CUDA when usable, else CPU", Device.AUTO),
    CPU("cpu", "CPU", Device.CPU),
    CUDA("cuda", "CUDA GPU (falls back to CPU with a warning)", Device.CUDA);

    private final String nick, description;
    final Device device;

    DeviceChoice(String nick, String description, Device device) {
        this.nick = nick;
        this.description = description;
        this.device = device;
    }

    @Override public String nick() { return nick; }
    @Override public String description() { return description; }
}
