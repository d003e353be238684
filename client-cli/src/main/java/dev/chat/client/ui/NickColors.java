package dev.chat.client.ui;

import dev.chat.protocol.Names;
import org.jline.utils.AttributedStyle;

/**
 * A colour per nick, the same every time and on every client (it hangs on the nick only), so a
 * conversation can be followed by colour. Black, white and greys are left out: they vanish on
 * one background or the other.
 */
public final class NickColors {
    private static final int[] PALETTE = {
        AttributedStyle.RED, AttributedStyle.GREEN, AttributedStyle.YELLOW, AttributedStyle.BLUE,
        AttributedStyle.MAGENTA, AttributedStyle.CYAN,
        AttributedStyle.RED | AttributedStyle.BRIGHT, AttributedStyle.GREEN | AttributedStyle.BRIGHT,
        AttributedStyle.YELLOW | AttributedStyle.BRIGHT, AttributedStyle.BLUE | AttributedStyle.BRIGHT,
        AttributedStyle.MAGENTA | AttributedStyle.BRIGHT, AttributedStyle.CYAN | AttributedStyle.BRIGHT,
    };

    private NickColors() {
    }

    /** The palette index of {@code nick}: nicks differing only in case get the same colour. */
    public static int index(String nick) {
        // FNV-1a: String.hashCode spreads short similar nicks (bob, bot) poorly over 12 slots.
        int h = 0x811c9dc5;
        for (char c : Names.nickKey(nick).toCharArray()) {
            h ^= c;
            h *= 0x01000193;
        }
        return Math.floorMod(h, PALETTE.length);
    }

    /** The style to print {@code nick} in. */
    public static AttributedStyle style(String nick) {
        return AttributedStyle.DEFAULT.foreground(PALETTE[index(nick)]);
    }
}
