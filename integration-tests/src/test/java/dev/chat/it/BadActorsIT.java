package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.it.lab.Actor;
import dev.chat.it.lab.ComposeLab;
import dev.chat.it.lab.LabExtension;
import dev.chat.it.lab.PrometheusText;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 4: bad actors on the LAN attack one server container (garbage over TCP, slowloris,
 * a UDP garbage flood). What a user and an operator would see: the server answers garbage as
 * the contract says, frees the connections of clients that never say hello, drops and counts
 * garbage datagrams, stays healthy with bounded memory, and a chatting user on the same server
 * notices nothing.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BadActorsIT {
    private static final String TARGET = "chat2";
    private static final Duration ACTOR_TIMEOUT = Duration.ofMinutes(2);
    private static final double ATTACKER_CPUS = 0.3;

    @Test
    void garbageOverTcpGetsTheContractAnswers(ComposeLab lab) {
        JsonNode r = Actor.start(lab, "GarbageClient", TARGET, 7420, 3, 64).result(ACTOR_TIMEOUT);

        JsonNode kinds = r.get("kinds");
        // length 0 or above --max-frame: frame_too_large, then the connection is closed
        for (String kind : new String[] {"zero_length", "huge_length", "over_max_frame"}) {
            assertThat(kinds.get(kind).get("codes").path("frame_too_large").asInt()).as(kind).isEqualTo(3);
            assertThat(kinds.get(kind).get("closed").asInt()).as(kind + " closed").isEqualTo(3);
        }
        // recoverable errors: answered, and the same connection still works
        Map<String, String> recoverable = Map.of("not_json", "bad_json", "bad_utf8", "bad_json",
                "json_array", "bad_json", "trailing_garbage", "bad_json", "no_type", "unknown_type",
                "unknown_type", "unknown_type", "before_hello", "not_registered");
        recoverable.forEach((kind, code) -> {
            assertThat(kinds.get(kind).get("codes").path(code).asInt()).as(kind + " answered " + code).isEqualTo(3);
            assertThat(kinds.get(kind).get("codes").size()).as(kind + " answered only " + code).isEqualTo(1);
            assertThat(kinds.get(kind).get("alive").asInt()).as(kind + " connection still answers ping").isEqualTo(3);
        });
        assertHealthy(lab);
    }

    @Test
    void slowlorisConnectionsAreClosedOnceTheHelloTimeoutPasses(ComposeLab lab) {
        int connections = 200;
        JsonNode r = Actor.start(lab, "Slowloris", TARGET, 7420, connections, 300, 30).result(ACTOR_TIMEOUT);

        assertThat(r.get("closed_by_server").asInt()).as("connections the server closed").isEqualTo(connections);
        long helloTimeoutMs = ComposeLab.HELLO_TIMEOUT.toMillis();
        assertThat(r.get("min_open_ms").asLong()).as("not closed before the hello timeout")
                .isGreaterThanOrEqualTo(helloTimeoutMs - 200);
        assertThat(r.get("max_open_ms").asLong()).as("closed soon after the hello timeout")
                .isLessThan(helloTimeoutMs + 5_000);
        assertHealthy(lab);
        assertThat(metrics(lab).value("chat_connections")).as("connections left open").isZero();
    }

    @Test
    void udpGarbageIsDroppedAndCountedNeverAccepted(ComposeLab lab) {
        PrometheusText before = metrics(lab);
        long kernelBefore = lab.udpReceiveBufferErrors(TARGET);
        int count = 20_000;
        JsonNode r = Actor.start(lab, "UdpFlood", TARGET, 7421, count, 10_000).result(ACTOR_TIMEOUT);
        assertThat(r.get("sent").asInt()).isEqualTo(count);

        // every garbage datagram is either read and counted as dropped by the server, or was
        // dropped by the kernel because the server's socket buffer was full (a busy machine)
        long[] counted = {-1_000};
        Awaitility.await("the server has read what reached it").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    long now = (long) (metrics(lab).sum("chat_beacons_dropped_total")
                            - before.sum("chat_beacons_dropped_total"));
                    // settled: only the other nodes' announcements (about 2 a second) still arrive
                    boolean settled = now - counted[0] < 10;
                    counted[0] = now;
                    return settled;
                });
        long kernel = lab.udpReceiveBufferErrors(TARGET) - kernelBefore;
        System.err.printf("[chat-it] UDP flood of %d: %d counted as dropped by %s, %d dropped by its kernel (buffer full)%n",
                count, counted[0], TARGET, kernel);
        assertThat(counted[0] + kernel).as("garbage datagrams accounted for").isGreaterThanOrEqualTo((long) (count * 0.99));
        // other nodes' announcements reaching this port are counted too: a few per second
        assertThat(counted[0] + kernel).as("no more drops than datagrams").isLessThan(count + 200L);
        assertThat(metrics(lab).value("chat_beacons_accepted_total")).as("garbage accepted as beacons")
                .isEqualTo(before.value("chat_beacons_accepted_total"));
        assertHealthy(lab);
    }

    @Test
    void underAllAttacksAtOnceTheServerStaysHealthyAndAUserNoticesNothing(ComposeLab lab) {
        JsonNode calm = Actor.start(lab, "ChatProbe", TARGET, 7420, "calm", "ops", 40, 25).closeInput().result(ACTOR_TIMEOUT);
        assertThat(calm.get("echoed").asInt()).as("baseline probe").isEqualTo(40);
        long rssBefore = lab.serverRssBytes(TARGET);

        // a user is chatting when the attacks begin
        Actor alice = Actor.start(lab, "ChatProbe", TARGET, 7420, "alice", "ops", 160, 50);
        alice.awaitOutput("JOINED", ACTOR_TIMEOUT);
        // the attackers are other machines: each host gets a share of a core, not the server's
        Actor garbage = Actor.startOnHost(lab, "garbage", ATTACKER_CPUS, "GarbageClient", TARGET, 7420, 30, 1024);
        Actor slowloris = Actor.startOnHost(lab, "slowloris", ATTACKER_CPUS, "Slowloris", TARGET, 7420, 300, 500, 30);
        Actor flood = Actor.startOnHost(lab, "flood", ATTACKER_CPUS, "UdpFlood", TARGET, 7421, 60_000, 8_000);
        for (Actor attacker : List.of(garbage, slowloris, flood)) {
            attacker.awaitOutput("ATTACKING", ACTOR_TIMEOUT);
        }
        alice.closeInput(); // alice chats on through the attacks
        JsonNode probe = alice.result(ACTOR_TIMEOUT);
        garbage.result(ACTOR_TIMEOUT);
        JsonNode loris = slowloris.result(ACTOR_TIMEOUT);
        flood.result(ACTOR_TIMEOUT);

        // the user: every message went through, acknowledged, promptly
        assertThat(probe.get("echoed").asInt()).as("messages that came back").isEqualTo(160);
        assertThat(probe.get("acked").asInt()).as("messages acknowledged").isEqualTo(160);
        assertThat(probe.get("errors").size()).as("errors the user got: " + probe.get("errors")).isZero();
        // timing on a shared 2-core machine: against the same probe without attackers
        long calmP99 = calm.get("p99_ms").asLong();
        assertThat(probe.get("p99_ms").asLong()).as("p99 round trip under attack (calm p99 %d ms)", calmP99)
                .isLessThan(1_500 + 3 * calmP99);
        assertThat(probe.get("max_ms").asLong()).as("slowest round trip under attack").isLessThan(3_000 + 3 * calmP99);
        assertThat(loris.get("closed_by_server").asInt()).isEqualTo(300);

        // the operator: healthy, nothing killed, memory bounded
        assertHealthy(lab);
        assertThat(lab.oomKilled(TARGET)).as("killed for memory").isFalse();
        long rssAfter = lab.serverRssBytes(TARGET);
        System.err.printf("[chat-it] %s RSS before %d MiB, after the attacks %d MiB; probe calm %s, under attack %s%n",
                TARGET, rssBefore >> 20, rssAfter >> 20, calm, probe);
        assertThat(rssAfter - rssBefore).as("RSS growth during the attacks, bytes").isLessThan(128L << 20);
    }

    private static void assertHealthy(ComposeLab lab) {
        String health = lab.http(TARGET, "/health");
        assertThat(health).as("/health of " + TARGET).isNotNull().contains("\"status\":\"up\"");
        assertThat(lab.healthStatus(TARGET)).as("Docker's health check").isEqualTo("healthy");
    }

    private static PrometheusText metrics(ComposeLab lab) {
        String text = lab.http(TARGET, "/metrics");
        assertThat(text).as("/metrics of " + TARGET).isNotNull();
        return PrometheusText.parse(text);
    }
}
