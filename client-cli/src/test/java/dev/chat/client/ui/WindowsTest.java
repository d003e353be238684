package dev.chat.client.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** Window numbers, the current window, unread counts and search. */
class WindowsTest {

    private static AttributedString line(String s) {
        return new AttributedString(s);
    }

    @Test
    void windowsAreNumberedInTheOrderTheyOpenAndClosingRenumbers() {
        Windows ws = new Windows();
        Window lobby = ws.room("lobby");
        Window ops = ws.room("ops");
        Window bob = ws.direct("Bob");
        assertThat(ws.current()).as("the first window opened").isSameAs(lobby);
        assertThat(ws.number(bob)).isEqualTo(3);
        assertThat(ws.direct("BOB")).as("nicks ignore case").isSameAs(bob);
        assertThat(bob.label()).isEqualTo("BOB");
        assertThat(ws.room("ops")).isSameAs(ops);

        ws.select(ops);
        ws.close(ops);
        assertThat(ws.current()).as("the one before it").isSameAs(lobby);
        assertThat(ws.number(bob)).isEqualTo(2);
        assertThat(ws.byNumber(3)).isNull();
        ws.close(lobby);
        ws.close(bob);
        assertThat(ws.current()).isNull();
    }

    @Test
    void messagesElsewhereCountAsUnreadUntilTheWindowIsShown() {
        Windows ws = new Windows();
        Window lobby = ws.room("lobby");
        Window ops = ws.room("ops");
        ws.add(lobby, line("seen at once"), true, false);
        ws.add(ops, line("one"), true, false);
        ws.add(ops, line("-- bob joined #ops"), false, false);
        assertThat(ws.activity()).containsExactly(new Windows.Numbered(2, ops));
        assertThat(ops.unread()).isEqualTo(1);
        assertThat(ops.mentioned()).isFalse();
        ws.add(ops, line("alice: two"), true, true);
        assertThat(ops.unread()).isEqualTo(2);
        assertThat(ops.mentioned()).isTrue();

        ws.select(ops);
        assertThat(ws.activity()).isEmpty();
        assertThat(ops.lines()).extracting(AttributedString::toString)
                .containsExactly("one", "-- bob joined #ops", "alice: two");
    }

    @Test
    void aWindowKeepsItsLastLinesOnly() {
        Windows ws = new Windows();
        Window w = ws.room("busy");
        for (int i = 0; i < Window.MAX_LINES + 10; i++) {
            ws.add(w, line("line " + i), true, false);
        }
        assertThat(w.lines()).hasSize(Window.MAX_LINES);
        assertThat(w.lines().get(0).toString()).isEqualTo("line 10");
    }

    @Test
    void conversationWindowsAreBounded() {
        Windows ws = new Windows();
        Window room = ws.room("lobby");
        for (int i = 0; i < Windows.MAX_DIRECT + 5; i++) {
            ws.direct("nick" + i);
        }
        assertThat(ws.all()).hasSize(1 + Windows.MAX_DIRECT);
        assertThat(ws.find(Window.directKey("nick0"))).as("the one unused longest went").isNull();
        assertThat(ws.all()).contains(room);
    }

    @Test
    void searchFindsLinesInEveryWindowIgnoringCase() {
        Windows ws = new Windows();
        Window lobby = ws.room("lobby");
        Window ops = ws.room("ops");
        ws.add(lobby, line("14:00 <bob> Deploy at noon"), true, false);
        ws.add(ops, line("14:01 <carol> deploy done"), true, false);
        ws.add(ops, line("14:02 <carol> lunch"), true, false);
        assertThat(ws.search("DEPLOY", 100)).extracting(f -> f.number() + " " + f.line())
                .containsExactly("1 14:00 <bob> Deploy at noon", "2 14:01 <carol> deploy done");
        assertThat(ws.search("deploy", 1)).extracting(f -> f.line().toString())
                .containsExactly("14:01 <carol> deploy done");
    }
}
