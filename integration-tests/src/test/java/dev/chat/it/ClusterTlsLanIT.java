package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.it.lab.Command;
import dev.chat.it.lab.ComposeLab;
import dev.chat.it.lab.LabExtension;
import dev.chat.it.lab.LanClient;
import dev.chat.it.lab.PrometheusText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 6: the cluster of docker-compose.yml with TLS on (integration-tests/docker/it-tls.yml):
 * one certificate, made by the harness, on every node. Users on two hosts connect with
 * {@code --tls} to two different nodes, pinning that certificate's fingerprint, and talk; their
 * messages cross from node to node on the event bus, which {@code --cluster-tls} puts inside TLS.
 * A client without {@code --tls} at the TLS port is told {@code tls_required}; one that pins
 * another fingerprint is refused (exit 4). A node started without {@code --cluster-tls} gets
 * into the cluster's membership (Hazelcast's member protocol is plaintext, docs/TLS.md) but not
 * onto its event bus: no node takes it as a peer, and a user on it cannot reach the room.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ClusterTlsLanIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ROOM = "vault";

    @Test
    void usersOnTwoNodesChatOverTlsAndANodeWithoutClusterTlsStaysOffTheBus(ComposeLab lab) {
        String fingerprint = lab.tlsFingerprint();
        for (String node : ComposeLab.NODES) {
            JsonNode health = json(lab.http(node, "/health"));
            assertThat(health.path("tls_fingerprint").asText()).as(node + " shows the LAN's certificate on /health")
                    .isEqualTo(fingerprint);
        }

        // two users on their own hosts, on two different nodes, over TLS with the pinned certificate
        LanClient alice = LanClient.start(lab, "alice6", "--tls", "--server", "chat1:7443", "--tls-fingerprint",
                fingerprint, "--nick", "alice", "--room", ROOM, "--json", "--trace", "--beacon-interval", "0s")
                .awaitJoined(WAIT);
        LanClient bob = LanClient.start(lab, "bob6", "--tls", "--server", "chat3:7443", "--tls-fingerprint",
                fingerprint, "--nick", "bob", "--room", ROOM, "--json", "--trace", "--beacon-interval", "0s")
                .awaitJoined(WAIT);
        for (LanClient c : new LanClient[] {alice, bob}) {
            assertThat(c.errors()).as(c.name() + " traces its TLS session with the pinned certificate")
                    .containsPattern("TLS: TLSv1\\.[23] \\S+ with chat[13]:7443, certificate " + Pattern.quote(fingerprint));
        }
        alice.type("only bob reads this");
        bob.awaitEvent("alice's line, from chat1 through the TLS bus", e -> isMessage(e, "alice", "only bob reads this"), WAIT);
        bob.type("and only alice this");
        alice.awaitEvent("bob's line, from chat3 through the TLS bus", e -> isMessage(e, "bob", "and only alice this"), WAIT);

        // a client without --tls at the TLS port is told so; one pinning another certificate is refused
        Command.Result plain = LanClient.start(lab, "plain6", "--server", "chat2:7443", "--nick", "plain",
                "--room", ROOM, "--send", "in the clear").await(WAIT);
        assertThat(plain.exit()).as("plaintext client at the TLS port; stderr: " + plain.err()).isNotZero();
        assertThat(plain.err()).as("what the plaintext client prints").contains("tls_required");
        String other = "SHA256:" + "A".repeat(43);
        Command.Result pinned = LanClient.start(lab, "pinned6", "--tls", "--server", "chat2:7443",
                "--tls-fingerprint", other, "--nick", "pinned", "--room", ROOM, "--send", "hi").await(WAIT);
        assertThat(pinned.exit()).as("client pinning another certificate; stderr: " + pinned.err()).isEqualTo(4);

        // a node without --cluster-tls (and without the certificate) tries to join
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CHAT_NAME", "stranger");
        env.put("CHAT_CLUSTER", "true");
        env.put("CHAT_CLUSTER_MEMBERS", "chat1:5701,chat2:5701,chat3:5701");
        env.put("CHAT_CLUSTER_HOST", "stranger");
        env.put("CHAT_CLUSTER_PORT", "5701");
        env.put("CHAT_TCP_PORT", "7420");
        env.put("CHAT_HTTP_PORT", "7422");
        env.put("CHAT_TLS_PORT", "off");
        env.put("JDK_JAVA_OPTIONS", "-XX:MaxRAMPercentage=50");
        lab.startServer("stranger", env);
        try {
            // Hazelcast's member protocol (plaintext, docs/TLS.md) lets it into the membership...
            awaitMetric(lab, "chat1", "chat_cluster_members", 4);
            // ...but no greeting crosses the TLS bus either way: it starts serving with no peer
            Awaitility.await("the node without --cluster-tls gives up greeting").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> lab.hostLogs("stranger").contains("joined the cluster as"));
            String log = lab.hostLogs("stranger");
            assertThat(log).as("the node without --cluster-tls joined with no peer:\n" + Command.tail(log, 20))
                    .containsPattern("joined the cluster as \\S+: 0 peer\\(s\\)");
            String[] text = new String[1];
            Awaitility.await("its /metrics").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> (text[0] = lab.http("stranger", "/metrics")) != null);
            PrometheusText stranger = PrometheusText.parse(text[0]);
            assertThat(stranger.value("chat_cluster_members")).as("members it sees").isEqualTo(4);
            assertThat(stranger.value("chat_cluster_peers")).as("nodes it reaches on the bus").isZero();
            for (String node : ComposeLab.NODES) {
                PrometheusText m = PrometheusText.parse(lab.http(node, "/metrics"));
                assertThat(m.value("chat_cluster_members")).as(node + ": members").isEqualTo(4);
                assertThat(m.value("chat_cluster_peers")).as(node + ": peers, the other two TLS nodes only").isEqualTo(2);
            }
            // a user on it gets nowhere: the node reaches no majority over the bus
            Command.Result mallory = LanClient.start(lab, "mallory6", "--server", "stranger:7420", "--nick", "mallory",
                    "--room", ROOM, "--send", "let me in", "--trace").await(WAIT);
            assertThat(mallory.exit()).as("a user on the node without --cluster-tls; stderr: " + mallory.err()).isNotZero();
            assertThat(mallory.err()).as("what that user is told").contains("\"code\":\"unavailable\"")
                    .contains("cannot reach a majority");
        } catch (RuntimeException | Error e) {
            lab.saveLogs("ClusterTlsLanIT-stranger"); // with the node that goes next
            throw e;
        } finally {
            lab.removeServer("stranger");
        }
        for (String node : ComposeLab.NODES) {
            awaitMetric(lab, node, "chat_cluster_members", 3);
        }

        // the TLS users are still together
        alice.type("still here");
        bob.awaitEvent("alice's last line", e -> isMessage(e, "alice", "still here"), WAIT);
        assertThat(bob.events()).as("bob's events").noneMatch(e -> e.path("from").asText().equals("mallory"));
        alice.endInput();
        bob.endInput();
        assertThat(alice.await(WAIT).exit()).as("alice exits once her lines are acknowledged").isZero();
        assertThat(bob.await(WAIT).exit()).as("bob exits once his lines are acknowledged").isZero();
    }

    private static void awaitMetric(ComposeLab lab, String node, String metric, double value) {
        Awaitility.await(node + " " + metric + " = " + value).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    String text = lab.http(node, "/metrics");
                    return text != null && PrometheusText.parse(text).value(metric) == value;
                });
    }

    private static JsonNode json(String text) {
        assertThat(text).as("an answer").isNotNull();
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isMessage(JsonNode e, String from, String text) {
        return e.path("type").asText().equals("message") && e.path("from").asText().equals(from)
                && e.path("text").asText().equals(text);
    }
}
