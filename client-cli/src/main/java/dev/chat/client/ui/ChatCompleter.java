package dev.chat.client.ui;

import dev.chat.client.session.SessionState;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion: command names for a first word starting with {@code /}, then per argument
 * rooms or nicks as the command's table entry says; in plain text, nicks of the people in our
 * rooms, as {@code bob: } at the start of a line. Reads only the state's lock-free {@link SessionState.View}: it runs inside JLine's
 * lock, where waiting for the session could deadlock with a message being printed.
 */
public final class ChatCompleter implements Completer {
    private final Map<String, ChatCommand> commands;
    private final Supplier<SessionState.View> view;

    public ChatCompleter(Map<String, ChatCommand> commands, Supplier<SessionState.View> view) {
        this.commands = commands;
        this.view = view;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        List<String> words = line.words();
        int index = line.wordIndex();
        String word = line.word();
        SessionState.View v = view.get();
        if (index == 0 && word.startsWith("/")) {
            for (ChatCommand c : commands.values()) {
                candidates.add(new Candidate(c.name(), c.name(), null, c.help(), null, null, true));
            }
            return;
        }
        if (index == 0) {
            // A nick at the start of a line addresses someone, as on IRC: "bob: ".
            for (String n : v.nicks()) {
                if (!n.equalsIgnoreCase(v.nick())) {
                    candidates.add(new Candidate(n + ":", n, null, null, null, null, true));
                }
            }
            return;
        }
        ChatCommand.Arg kind = ChatCommand.Arg.TEXT;
        if (!words.isEmpty() && words.get(0).startsWith("/")) {
            ChatCommand c = commands.get(words.get(0).toLowerCase(java.util.Locale.ROOT));
            if (c == null || c.args().isEmpty()) {
                return;
            }
            kind = c.args().get(Math.min(index - 1, c.args().size() - 1));
        }
        switch (kind) {
            case ROOM -> rooms(v.knownRooms(), word, candidates);
            case JOINED_ROOM -> rooms(v.rooms(), word, candidates);
            case NICK, TEXT -> {
                for (String n : v.nicks()) {
                    if (kind == ChatCommand.Arg.TEXT || !n.equalsIgnoreCase(v.nick())) {
                        candidates.add(new Candidate(n, n, null, null, null, null, true));
                    }
                }
            }
            default -> {
                // numbers: nothing to offer
            }
        }
    }

    private static void rooms(Iterable<String> rooms, String word, List<Candidate> candidates) {
        String prefix = word.startsWith("#") ? "#" : "";
        for (String r : rooms) {
            candidates.add(new Candidate(prefix + r, prefix + r, null, null, null, null, true));
        }
    }
}
