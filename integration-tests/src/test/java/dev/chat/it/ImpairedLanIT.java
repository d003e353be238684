package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.it.lab.Actor;
import dev.chat.it.lab.Command;
import dev.chat.it.lab.ComposeLab;
import dev.chat.it.lab.LabExtension;
import dev.chat.it.lab.LanClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 5: one user's presence beacons cross an impaired link ({@code ./chat impair} on a
 * relay host: 20 % loss, 30 ms uniform jitter), another user's do not. {@code peers} on the
 * server reports that loss (within 8 points) and a jitter of the right size for the impaired
 * user only.
 */
@ExtendWith(LabExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ImpairedLanIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long BEACON_MS = 100;
    /** Samples start once the 64-seq loss window is full, and span four more windows. */
    private static final long WINDOW_MS = 64 * BEACON_MS;
    /** The relay's ports: its own, so no one mistakes it for a server. */
    private static final int RELAY_TCP = 7520;
    private static final int RELAY_UDP = 7521;

    @Test
    void peersReportsTheLossAndJitterOfTheImpairedUserOnly(ComposeLab lab) {
        String tools = "java -XX:TieredStopAtLevel=1 -jar /opt/chat/chat-tools.jar impair";
        // the relay host: the chat connection passes untouched, the beacons cross the impaired link
        Command.Running relay = lab.startHost("relay", "sh", "-c",
                tools + " --tcp --listen 0.0.0.0:" + RELAY_TCP + " --forward chat1:7420 --allow-remote & exec " + tools
                        + " --udp --listen 0.0.0.0:" + RELAY_UDP + " --forward chat1:7421 --allow-remote"
                        + " --loss 0.2 --jitter 30ms --distribution uniform --seed 20261127");
        Awaitility.await("relay READY (tcp and udp)").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!relay.process().isAlive()) {
                        throw new IllegalStateException("the relay ended: " + relay.await(WAIT));
                    }
                    return relay.outSoFar().lines().filter(l -> l.startsWith("READY ")).count() == 2;
                });

        Actor watch = Actor.start(lab, "PeersWatch", "chat1", 7420, "observer", 250, 180);
        watch.awaitOutput("WATCHING", WAIT);
        String interval = BEACON_MS + "ms";
        LanClient lossy = LanClient.start(lab, "lossy", "--host", "relay", "--port", String.valueOf(RELAY_TCP),
                "--udp-port", String.valueOf(RELAY_UDP), "--nick", "lossy", "--room", "lobby",
                "--follow", "--trace", "--beacon-interval", interval).awaitJoined(WAIT);
        LanClient clean = LanClient.start(lab, "clean", "--host", "chat1", "--nick", "clean", "--room", "lobby",
                "--follow", "--trace", "--beacon-interval", interval).awaitJoined(WAIT);
        // the relay's own counts at the start of the span the samples speak for, and at its end
        long mark = System.currentTimeMillis();
        RelayCount atStart = report(lab, relay, 1);
        long from = mark + WINDOW_MS;
        long until = from + 4 * WINDOW_MS;
        Awaitility.await("four loss windows of beacons").atMost(Duration.ofMillis(until - System.currentTimeMillis())
                .plus(WAIT)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    List<JsonNode> lines = watch.jsonLines();
                    return !lines.isEmpty() && lines.get(lines.size() - 1).path("t").asLong() > until;
                });
        RelayCount atEnd = report(lab, relay, 2);
        lab.signal("relay", "TERM");
        relay.await(WAIT);
        lossy.terminate();
        clean.terminate();
        watch.closeInput();

        List<JsonNode> samples = watch.jsonLines().stream()
                .filter(r -> r.path("t").asLong() >= from && r.path("t").asLong() <= until).toList();
        assertThat(samples).as("peers replies in the measured span").hasSizeGreaterThan(20);
        double lossyLoss = mean(samples, "lossy", "loss");
        double lossyJitter = mean(samples, "lossy", "jitter_ms");
        double cleanLoss = mean(samples, "clean", "loss");
        double cleanJitter = mean(samples, "clean", "jitter_ms");
        double realised = (double) (atEnd.dropped - atStart.dropped) / (atEnd.in - atStart.in);
        System.err.printf("[chat-it] peers: lossy loss %.3f jitter %.1f ms, clean loss %.3f jitter %.1f ms;"
                + " the relay dropped %.3f of %d beacons in that span%n", lossyLoss, lossyJitter, cleanLoss, cleanJitter,
                realised, atEnd.in - atStart.in);

        assertThat(lossyLoss).as("loss peers reports for the impaired user").isCloseTo(0.20, within(0.08));
        assertThat(lossyLoss).as("... and against what the relay dropped meanwhile").isCloseTo(realised, within(0.06));
        // uniform extra delay over [0, 30) ms: interarrival differences average 10 ms
        assertThat(lossyJitter).as("jitter_ms of the impaired user").isBetween(5.0, 20.0);
        assertThat(cleanLoss).as("loss of the user on the clean link").isLessThan(0.02);
        assertThat(cleanJitter).as("jitter_ms of the user on the clean link").isLessThan(5.0);
    }

    /**
     * Mean of a peer's field over the replies that list it. On a link losing 20 %, two or three
     * beacons in a row are lost now and then, and the peer then expires for a moment, as the
     * contract says (3 intervals without a beacon; its loss and jitter are kept for its return):
     * so a few replies may miss the impaired user, but most must list it.
     */
    private static double mean(List<JsonNode> replies, String nick, String field) {
        double sum = 0;
        int listed = 0;
        for (JsonNode r : replies) {
            for (JsonNode p : r.path("peers")) {
                if (p.path("nick").asText().equals(nick)) {
                    sum += p.path(field).asDouble();
                    listed++;
                }
            }
        }
        assertThat(listed).as(nick + " listed in most of the " + replies.size() + " peers replies")
                .isGreaterThan(replies.size() * 3 / 4);
        return sum / listed;
    }

    /** Datagrams the relay read from the clients' side, and dropped, so far. */
    private record RelayCount(long in, long dropped) {
    }

    /**
     * Asks the relay for a report (SIGUSR1) and reads it off its stderr:
     * "forward: in=.. out=.. dropped=.. overflow=..".
     */
    private static RelayCount report(ComposeLab lab, Command.Running relay, int nth) {
        lab.signal("relay", "USR1");
        Pattern line = Pattern.compile("forward: in=(\\d+) out=\\d+ dropped=(\\d+) overflow=(\\d+) failed=(\\d+)");
        RelayCount[] found = new RelayCount[1];
        Awaitility.await("relay report " + nth).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            Matcher m = line.matcher(relay.errSoFar());
            for (int i = 0; i < nth; i++) {
                if (!m.find()) {
                    return false;
                }
            }
            found[0] = new RelayCount(Long.parseLong(m.group(1)),
                    Long.parseLong(m.group(2)) + Long.parseLong(m.group(3)) + Long.parseLong(m.group(4)));
            return true;
        });
        return found[0];
    }
}
