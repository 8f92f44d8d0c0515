package org.spacetime.gst.elements;

import org.spacetime.gst.framework.Property;
import org.spacetime.models.Sampler;

/** The "sampler" property's values. */
public enum SamplerChoice implements Property.Choice {
    DPMPP_2M("dpm++2m", "DPM-Solver++ 2M (second order, one model call per step)", Sampler.DPMPP_2M),
    EULER("euler", "Euler over the flow (first order, the reference)", Sampler.EULER);

    private final String nick, description;
    final Sampler sampler;

    SamplerChoice(String nick, String description, Sampler sampler) {
        this.nick = nick;
        this.description = description;
        this.sampler = sampler;
    }

    @Override public String nick() { return nick; }
    @Override public String description() { return description; }
}
