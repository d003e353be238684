package dev.chat.server.irc;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Names;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.List;
import java.util.Locale;

/**
 * {@code CHATHISTORY} (IRCv3 draft "chathistory", capability {@code draft/chathistory}, token
 * {@code CHATHISTORY=500}) over the room history of the chat core: the messages come back in one
 * {@code chathistory} batch (when the client has {@code batch}), each as it was delivered live,
 * with {@code time} and {@code msgid=room:seq}. Direct messages have no history on this server:
 * a nick target gets an empty batch. Errors are IRCv3 standard replies ({@code FAIL CHATHISTORY}).
 */
final class ChatHistoryCommand {

    private final IrcSession s;

    ChatHistoryCommand(IrcSession s) {
        this.s = s;
    }

    void handle(IrcLine line, Response r) {
        String name = line.param(0).toUpperCase(Locale.ROOT);
        if (name.equals("TARGETS")) {
            emptyBatch("draft/chathistory-targets", null, r); // no direct-message history to list
            return;
        }
        HistoryQuery.Sub sub;
        try {
            sub = HistoryQuery.Sub.valueOf(name);
        } catch (IllegalArgumentException e) {
            r.add(s.replies().fail("CHATHISTORY", "UNKNOWN_COMMAND", "Unknown command", line.param(0)));
            return;
        }
        int needed = sub == HistoryQuery.Sub.BETWEEN ? 5 : 4;
        if (line.params().size() < needed) {
            r.add(s.replies().fail("CHATHISTORY", "NEED_MORE_PARAMS", "Missing parameters", name));
            return;
        }
        String target = line.param(1);
        String limitText = line.param(needed - 1);
        if (!limitText.matches("\\d{1,9}") || Integer.parseInt(limitText) < 1) {
            r.add(s.replies().fail("CHATHISTORY", "INVALID_PARAMS", "The limit must be a positive integer", name,
                    limitText));
            return;
        }
        int limit = Math.min(Integer.parseInt(limitText), s.info().historyMax());
        if (!target.startsWith("#")) {
            if (target.equals("*") || Names.isValidNick(target)) {
                emptyBatch("chathistory", target, r); // this server keeps no direct messages
            } else {
                r.add(s.replies().fail("CHATHISTORY", "INVALID_TARGET", "No such target", name, target));
            }
            return;
        }
        String room = ChannelCommands.room(target);
        if (room == null) {
            r.add(s.replies().fail("CHATHISTORY", "INVALID_TARGET", "No such channel", name, target));
            return;
        }
        HistoryQuery.Ref a = HistoryQuery.parseRef(line.param(2), room);
        HistoryQuery.Ref b = sub == HistoryQuery.Sub.BETWEEN ? HistoryQuery.parseRef(line.param(3), room) : null;
        HistoryQuery query = new HistoryQuery(sub, a, b, limit, (after, n, done) ->
                s.call(id -> new ClientMessage.History(id, room, after, n), r, reply ->
                        done.accept(reply instanceof ServerMessage.HistoryReply h ? h.messages() : null)));
        if (!query.valid()) {
            r.add(s.replies().fail("CHATHISTORY", "INVALID_PARAMS",
                    "Message references are msgid=<room>:<seq>, timestamp=YYYY-MM-DDThh:mm:ss.sssZ or * (LATEST)",
                    name, line.param(2)));
            return;
        }
        query.run(messages -> {
            if (messages == null) {
                r.add(s.replies().fail("CHATHISTORY", "MESSAGE_ERROR", "Messages could not be retrieved", name,
                        target));
            } else {
                batch("#" + room, messages, r);
            }
        });
    }

    private void batch(String target, List<ChatMessage> messages, Response r) {
        boolean batch = Capability.BATCH.in(s.caps());
        String ref = batch ? s.nextBatchRef() : null;
        if (batch) {
            r.add(s.replies().command("BATCH", "+" + ref, "chathistory", target));
        }
        for (ChatMessage m : messages) {
            r.addAll(s.renderer().message(m, s.caps(), "PRIVMSG", ref));
        }
        if (batch) {
            r.add(s.replies().command("BATCH", "-" + ref));
        }
    }

    private void emptyBatch(String type, String target, Response r) {
        if (Capability.BATCH.in(s.caps())) {
            String ref = s.nextBatchRef();
            r.add(target == null ? s.replies().command("BATCH", "+" + ref, type)
                    : s.replies().command("BATCH", "+" + ref, type, target));
            r.add(s.replies().command("BATCH", "-" + ref));
        }
    }
}
