package org.spacetime.gst.framework;

/** GstStateChange transitions, decoded from their compiled values. */
public enum StateChange {
    NULL_TO_READY, READY_TO_PAUSED, PAUSED_TO_PLAYING, PLAYING_TO_PAUSED, PAUSED_TO_READY, READY_TO_NULL, OTHER;

    static StateChange of(int transition) {
        Layout l = Layout.get();
        for (StateChange s : values()) {
            if (s != OTHER && l.constant("GST_STATE_CHANGE_" + s.name()) == transition) {
                return s;
            }
        }
        return OTHER;
    }

}
