package dev.chat.tools.impair;

/** The two directions through the relay. */
public enum Direction {
    /** From a client of the relay to the {@code --forward} target. */
    FORWARD("forward"),
    /** From the {@code --forward} target back to the client. */
    REPLY("reply");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
