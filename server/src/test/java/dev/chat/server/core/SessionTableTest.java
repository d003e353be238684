package dev.chat.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SessionTableTest {

    private static Session session(long id) {
        return new Session(id, 0, null, null, 0, 0); // neither connection nor loop is touched by the table
    }

    @Test
    void addRemoveAndContainsStayConsistentWithAList() {
        SessionTable table = new SessionTable();
        List<Session> expected = new ArrayList<>();
        Random random = new Random(42);
        long nextId = 1;
        for (int step = 0; step < 20_000; step++) {
            if (expected.isEmpty() || random.nextInt(3) > 0 && expected.size() < 500) {
                Session s = session(nextId++);
                table.add(s);
                expected.add(s);
            } else {
                Session s = expected.remove(random.nextInt(expected.size()));
                assertThat(table.remove(s)).isTrue();
                assertThat(table.contains(s)).isFalse();
                assertThat(table.remove(s)).isFalse(); // only once
            }
            if (step % 997 == 0) {
                assertThat(table.snapshot()).containsExactlyInAnyOrderElementsOf(expected);
            }
        }
        assertThat(table.size()).isEqualTo(expected.size());
        List<Session> seen = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            seen.add(table.get(i));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
        for (Session s : expected) {
            assertThat(table.contains(s)).isTrue();
        }
    }

    @Test
    void aSessionIsInOneTableAtMostAndNotInAnotherOnesSlot() {
        SessionTable a = new SessionTable();
        SessionTable b = new SessionTable();
        Session s = session(1);
        a.add(s);
        assertThatThrownBy(() -> a.add(s)).isInstanceOf(IllegalStateException.class);
        b.add(session(2));
        assertThat(b.contains(s)).isFalse(); // same slot number, other table
        assertThat(b.remove(s)).isFalse();
        assertThat(a.remove(s)).isTrue();
        assertThat(a.size()).isZero();
    }
}
