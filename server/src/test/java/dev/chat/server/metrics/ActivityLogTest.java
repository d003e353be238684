package dev.chat.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The INFO summary that replaces a log line per connection: what it says, and silence when idle. */
class ActivityLogTest {

    @Test
    void oneLineSaysWhatHappenedSinceTheLastAndNothingWhenNothingDid() {
        ServerMetrics m = new ServerMetrics();
        ActivityLog log = new ActivityLog(m);
        assertThat(log.summary()).as("an idle server logs nothing").isNull();

        m.connectionsTotal.add(3); // three came, two of them left
        m.connections.set(1);
        m.framesIn.add(120);
        m.messagesDelivered.add(6_000);
        assertThat(log.summary()).isEqualTo("1 connection(s) open (3 opened, 2 closed in the last 60 s); "
                + "2.0 request(s)/s in, 100.0 message(s)/s delivered");
        assertThat(log.summary()).as("nothing new since").isNull();

        m.connections.set(0); // the last one left
        assertThat(log.summary()).isEqualTo("0 connection(s) open (0 opened, 1 closed in the last 60 s); "
                + "0.0 request(s)/s in, 0.0 message(s)/s delivered");
    }
}
