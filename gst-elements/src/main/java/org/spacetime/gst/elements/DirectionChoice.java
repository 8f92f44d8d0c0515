package org.spacetime.gst.elements;

import org.spacetime.gst.framework.Property;

/** The "direction" property of spacetimeextend. */
public enum DirectionChoice implements Property.Choice {
    FORWARD("forward", "Continue after the last input frame (generated at EOS)"),
    BACKWARD("backward", "Lead into the first input frame (generated first; the input follows, shifted)");

    private final String nick, description;

    DirectionChoice(String nick, String description) {
        this.nick = nick;
        this.description = description;
    }

    @Override public String nick() { return nick; }
    @Override public String description() { return description; }
}
