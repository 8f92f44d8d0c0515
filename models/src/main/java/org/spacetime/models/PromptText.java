package org.spacetime.models;

/**
 * Prompts are untrusted text: their length is bounded before anything tokenizes them, and where one
 * is shown (progress messages, logs) control characters are escaped, so a prompt cannot drive the
 * user's terminal, and long prompts are shortened.
 */
public final class PromptText {
    /** Characters a prompt may have; the model reads only its first max_tokens tokens anyway. */
    public static final int MAX_CHARS = 4000;
    private static final int SHOWN_CHARS = 60;

    private PromptText() {}

    /** The prompt, or an IllegalArgumentException naming its length and the limit. */
    public static String checked(String prompt, String what) {
        if (prompt != null && prompt.length() > MAX_CHARS) {
            throw new IllegalArgumentException(what + " is " + prompt.length() + " characters long; at most " + MAX_CHARS
                    + " are accepted (the model reads only its first tokens)");
        }
        return prompt == null ? "" : prompt;
    }

    /** The prompt quoted for display: control characters as \\uXXXX, cut to 60 characters. */
    public static String shown(String prompt) {
        String p = prompt == null ? "" : prompt;
        StringBuilder b = new StringBuilder("\"");
        int end = Math.min(p.length(), SHOWN_CHARS);
        for (int i = 0; i < end; i++) {
            char c = p.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                b.append(String.format("\\u%04x", (int) c));
            } else if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else {
                b.append(c);
            }
        }
        b.append('"');
        if (p.length() > end) {
            b.append(" (cut from ").append(p.length()).append(" characters)");
        }
        return b.toString();
    }
}
