package dev.chat.client;

import dev.chat.protocol.Names;

/**
 * The nick used when {@code --nick} is absent: the login name, reduced to the nick alphabet
 * ({@code A-Z a-z 0-9 _ -}, at most 32), so {@code "Jane Doe"} becomes {@code "Jane_Doe"}.
 */
public final class DefaultNick {
    static final String FALLBACK = "guest";

    private DefaultNick() {
    }

    /** The nick derived from the {@code user.name} system property. */
    public static String forCurrentUser() {
        return from(System.getProperty("user.name"));
    }

    /** Sanitizes {@code userName} into a valid nick; {@value #FALLBACK} when nothing usable is left. */
    public static String from(String userName) {
        if (userName == null) {
            return FALLBACK;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < userName.length() && b.length() < Names.MAX_NICK; i++) {
            char c = userName.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-';
            b.append(ok ? c : '_');
        }
        String nick = b.toString();
        return nick.chars().allMatch(c -> c == '_' || c == '-') ? FALLBACK : nick;
    }

    /**
     * The {@code n}-th alternative for a default nick someone already holds: {@code alice-2},
     * {@code alice-3}, ... cut so that it stays within 32 characters.
     */
    public static String alternative(String nick, int n) {
        String suffix = "-" + n;
        String base = nick.length() + suffix.length() > Names.MAX_NICK
                ? nick.substring(0, Names.MAX_NICK - suffix.length()) : nick;
        return base + suffix;
    }

    /**
     * The {@code n}-th alternative a person at a terminal is offered for a taken nick, as IRC
     * clients do: {@code alice_}, {@code alice__}, ... ({@code n - 1} underscores), the nick cut so
     * that it stays within 32 characters.
     */
    public static String underscored(String nick, int n) {
        String suffix = "_".repeat(Math.min(n - 1, Names.MAX_NICK - 1));
        String base = nick.length() + suffix.length() > Names.MAX_NICK
                ? nick.substring(0, Names.MAX_NICK - suffix.length()) : nick;
        return base + suffix;
    }
}
