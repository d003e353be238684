package dev.chat.client.ui;

import java.util.List;
import java.util.function.Consumer;

/**
 * One slash command of the interactive client: its name, how it is used, what it does, what
 * its arguments are (for tab completion), and what runs it (given the text after the name).
 */
public record ChatCommand(String name, String usage, String help, List<Arg> args, Consumer<String> action) {

    /** What an argument is, so completion can offer the right candidates. */
    public enum Arg {
        /** Any room: joined or seen in a {@code /rooms} listing. */
        ROOM,
        /** A room we are in. */
        JOINED_ROOM,
        /** A nick of someone in our rooms. */
        NICK,
        /** Free text: nicks are offered, as in a message. */
        TEXT,
        /** A number: nothing to offer. */
        NUMBER
    }

    public ChatCommand {
        args = List.copyOf(args);
    }
}
