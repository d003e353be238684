package dev.chat.server.irc;

import java.util.ArrayList;
import java.util.List;

/**
 * The IRCv3 capabilities this listener offers ("Capability Negotiation", IRCv3). A connection's
 * enabled capabilities are one {@code int}, a bit per capability ({@link #bit()}), so that a
 * set is cheap to keep per connection and to use as (part of) a render-cache key.
 */
public enum Capability {
    MESSAGE_TAGS("message-tags"),
    SERVER_TIME("server-time"),
    ECHO_MESSAGE("echo-message"),
    BATCH("batch"),
    LABELED_RESPONSE("labeled-response"),
    AWAY_NOTIFY("away-notify"),
    MULTI_PREFIX("multi-prefix"),
    USERHOST_IN_NAMES("userhost-in-names"),
    EXTENDED_JOIN("extended-join"),
    ACCOUNT_TAG("account-tag"),
    ACCOUNT_NOTIFY("account-notify"),
    CAP_NOTIFY("cap-notify"),
    /** Advertised only when the core can authenticate ({@link IrcHooks#saslAvailable()}). */
    SASL("sasl"),
    CHATHISTORY("draft/chathistory"),
    MULTILINE("draft/multiline");

    private final String wireName;

    Capability(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire, e.g. {@code draft/chathistory}. */
    public String wireName() {
        return wireName;
    }

    public int bit() {
        return 1 << ordinal();
    }

    public boolean in(int caps) {
        return (caps & bit()) != 0;
    }

    /** The capability with this wire name, or {@code null}. */
    public static Capability byName(String name) {
        for (Capability c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** Wire names of the capabilities in {@code caps}, in declaration order. */
    public static List<String> names(int caps) {
        List<String> out = new ArrayList<>();
        for (Capability c : values()) {
            if (c.in(caps)) {
                out.add(c.wireName);
            }
        }
        return out;
    }

    /**
     * Capabilities that only make sense together with another: {@code labeled-response} and
     * {@code draft/multiline} need {@code batch} ("Labeled Responses", "Multiline messages",
     * section "Dependencies"). Used to decide whether to use them, not to refuse them.
     */
    public static boolean usable(Capability c, int caps) {
        if (!c.in(caps)) {
            return false;
        }
        return switch (c) {
            case LABELED_RESPONSE, MULTILINE -> BATCH.in(caps);
            default -> true;
        };
    }
}
