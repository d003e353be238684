package dev.chat.server.presence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.ServerMessage.PeerInfo;
import dev.chat.protocol.ServerMessage.Presence;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PresenceTableTest {
    private static final long MS = 1_000_000L;
    private static final String ADDR = "192.0.2.7:40000";

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final List<Presence> events = new ArrayList<>();
    private PresenceTable table = new PresenceTable(100, clock::get, events::add);

    private void at(long ms) {
        clock.set(ms * MS);
    }

    private static Beacon.ClientBeacon beacon(String nick, String status, long seq, long ts, long interval) {
        return new Beacon.ClientBeacon(nick, status, seq, ts, interval);
    }

    private static Beacon.ClientBeacon online(String nick, long seq) {
        return beacon(nick, Beacon.ONLINE, seq, seq * 200, 200);
    }

    private PeerInfo row(String nick) {
        return table.peers().stream().filter(p -> p.nick().equalsIgnoreCase(nick)).findFirst().orElse(null);
    }

    @Test
    void theFirstBeaconMakesAPeerPresent() {
        at(1_000);
        table.onBeacon(online("alice", 1), ADDR);
        assertThat(events).containsExactly(new Presence("alice", ADDR, Beacon.ONLINE));
        at(1_150);
        assertThat(table.peers()).containsExactly(new PeerInfo("alice", ADDR, Beacon.ONLINE, 150, 0.0, 0.0));
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void aStatusChangeIsAnEventTheSameStatusIsNot() {
        table.onBeacon(online("alice", 1), ADDR);
        table.onBeacon(online("alice", 2), ADDR);
        table.onBeacon(beacon("alice", Beacon.AWAY, 3, 600, 200), ADDR);
        table.onBeacon(beacon("alice", Beacon.AWAY, 4, 800, 200), ADDR);
        assertThat(events).containsExactly(new Presence("alice", ADDR, Beacon.ONLINE),
                new Presence("alice", ADDR, Beacon.AWAY));
        assertThat(row("alice").status()).isEqualTo(Beacon.AWAY);
    }

    @Test
    void aLateBeaconDoesNotOverrideTheNewerStatus() {
        table.onBeacon(online("alice", 1), ADDR);
        table.onBeacon(beacon("alice", Beacon.AWAY, 3, 600, 200), ADDR);
        table.onBeacon(online("alice", 2), ADDR);
        assertThat(row("alice").status()).isEqualTo(Beacon.AWAY);
        assertThat(row("alice").loss()).as("the late one filled its hole").isZero();
    }

    @Test
    void aGoodbyeRemovesThePeerAtOnce() {
        table.onBeacon(online("alice", 1), ADDR);
        table.onBeacon(beacon("Alice", Beacon.OFFLINE, 2, 400, 200), ADDR);
        assertThat(table.peers()).isEmpty();
        assertThat(table.nextExpiry()).isEmpty();
        assertThat(events).containsExactly(new Presence("alice", ADDR, Beacon.ONLINE),
                new Presence("Alice", ADDR, Beacon.OFFLINE));
    }

    @Test
    void aGoodbyeFromAStrangerChangesNothing() {
        table.onBeacon(beacon("bob", Beacon.OFFLINE, 9, 400, 200), ADDR);
        assertThat(table.peers()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void aPeerExpiresAfterThreeOfItsIntervals() {
        at(1_000);
        table.onBeacon(online("alice", 1), ADDR);
        assertThat(table.nextExpiry()).hasValue(1_600 * MS);
        clock.set(1_600 * MS - 1);
        table.expire();
        assertThat(table.peers()).hasSize(1);
        at(1_600);
        table.expire();
        assertThat(table.peers()).isEmpty();
        assertThat(table.expiredTotal()).isEqualTo(1);
        assertThat(events).containsExactly(new Presence("alice", ADDR, Beacon.ONLINE),
                new Presence("alice", ADDR, Beacon.OFFLINE));
    }

    @Test
    void aPeerBackFromExpiryKeepsItsLossAndCountsTheMissedBeaconsAsLost() {
        at(1_000);
        for (int seq = 1; seq <= 10; seq++) {
            table.onBeacon(online("alice", seq), ADDR);
        }
        at(1_600); // seqs 11, 12, 13 lost on the link: expired
        table.expire();
        assertThat(table.peers()).isEmpty();
        at(1_650);
        table.onBeacon(online("alice", 14), ADDR);
        assertThat(events).containsExactly(new Presence("alice", ADDR, Beacon.ONLINE),
                new Presence("alice", ADDR, Beacon.OFFLINE), new Presence("alice", ADDR, Beacon.ONLINE));
        assertThat(table.loss("alice")).as("3 of 14 expected seqs lost, not a fresh 0 %").isEqualTo(3 / 14.0);
    }

    @Test
    void anExpiredPeerIsRememberedOnlyFor64OfItsIntervalsAndNotAfterAGoodbye() {
        at(1_000);
        table.onBeacon(online("alice", 1), ADDR);
        table.onBeacon(online("bob", 1), ADDR);
        at(1_600);
        table.expire();
        at(1_700);
        table.onBeacon(online("bob", 5), ADDR); // bob is back in time: 2, 3, 4 were lost
        assertThat(table.loss("bob")).isEqualTo(3 / 5.0);
        table.onBeacon(beacon("bob", Beacon.OFFLINE, 6, 1_200, 200), ADDR);
        table.onBeacon(online("bob", 10), ADDR); // after a goodbye: a new start
        assertThat(table.loss("bob")).isZero();
        at(1_600 + 64 * 200); // alice's memory is gone
        table.onBeacon(online("alice", 9), ADDR);
        assertThat(table.loss("alice")).as("seqs 2 to 8 are not counted any more").isZero();
    }

    @Test
    void eachBeaconRenewsTheDeadlineWithItsOwnInterval() {
        at(1_000);
        table.onBeacon(online("alice", 1), ADDR);
        at(1_500);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 2, 1_000, 1_000), ADDR);
        assertThat(table.nextExpiry()).hasValue(4_500 * MS);
        at(4_499);
        assertThat(table.peers()).hasSize(1);
        assertThat(row("alice").lastSeenMs()).isEqualTo(2_999);
        at(4_500);
        assertThat(table.peers()).as("peers() never lists an expired peer").isEmpty();
    }

    @Test
    void theNickIsTheKeyIgnoringCaseAndTheAddressIsTheLatest() {
        table.onBeacon(online("alice", 1), ADDR);
        table.onBeacon(online("ALICE", 2), "198.51.100.1:5000");
        assertThat(table.peers()).extracting(PeerInfo::nick, PeerInfo::address, PeerInfo::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ALICE", "198.51.100.1:5000", Beacon.ONLINE));
        assertThat(events).hasSize(1);
    }

    @Test
    void theStalestPeerIsEvictedWhenFull() {
        table = new PresenceTable(3, clock::get, events::add);
        at(0);
        table.onBeacon(online("a", 1), "10.0.0.1:1");
        at(10);
        table.onBeacon(online("b", 1), "10.0.0.2:1");
        at(20);
        table.onBeacon(online("c", 1), "10.0.0.3:1");
        at(30);
        table.onBeacon(online("a", 2), "10.0.0.1:1");
        at(40);
        table.onBeacon(online("d", 1), "10.0.0.4:1");
        assertThat(table.peers()).extracting(PeerInfo::nick).containsExactly("a", "c", "d");
        assertThat(table.evictedTotal()).isEqualTo(1);
        assertThat(events).last().isEqualTo(new Presence("d", "10.0.0.4:1", Beacon.ONLINE));
        assertThat(events).contains(new Presence("b", "10.0.0.2:1", Beacon.OFFLINE));
        at(50);
        table.onBeacon(online("e", 1), "10.0.0.5:1");
        assertThat(table.peers()).extracting(PeerInfo::nick).containsExactly("a", "d", "e");
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void aFloodOfNicksStaysWithinCapacity() {
        table = new PresenceTable(500, clock::get, events::add);
        for (int i = 0; i < 20_000; i++) {
            clock.addAndGet(MS);
            table.onBeacon(online("n" + i, 1), "10.0.0.1:1");
        }
        assertThat(table.size()).isEqualTo(500);
        assertThat(table.peers()).hasSize(500).first().extracting(PeerInfo::nick).isEqualTo("n19500");
        assertThat(table.evictedTotal()).isEqualTo(19_500);
    }

    @Test
    void lossCountsMissingSeqsNotDuplicatesNorLateOnes() {
        Set<Long> gaps = Set.of(5L, 12L, 19L, 26L, 33L, 40L, 47L, 54L);
        for (long s = 1; s <= 64; s++) {
            if (!gaps.contains(s)) {
                table.onBeacon(online("alice", s), ADDR);
            }
        }
        assertThat(table.loss("alice")).isEqualTo(0.125);
        assertThat(row("alice").loss()).isEqualTo(0.125);
        for (long s = 60; s <= 64; s++) {
            table.onBeacon(online("alice", s), ADDR); // duplicates
        }
        assertThat(table.loss("alice")).isEqualTo(0.125);
        table.onBeacon(online("alice", 33), ADDR); // late, fills its hole
        assertThat(table.loss("alice")).isEqualTo(7 / 64.0);
        assertThat(row("alice").loss()).as("rounded to 3 decimals").isEqualTo(0.109);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 1, 100_000, 200), ADDR); // restarted
        assertThat(table.loss("alice")).isZero();
        table.onBeacon(beacon("alice", Beacon.ONLINE, 3, 100_400, 200), ADDR);
        assertThat(table.loss("alice")).isEqualTo(1 / 3.0);
        assertThat(row("alice").loss()).isEqualTo(0.333);
    }

    @Test
    void jitterIsRfc3550OverArrivalTimes() {
        // transit times R - S: 1000, 1010, 995, 1020 -> J = 2.99072265625 (see JitterTest)
        long[] arrivals = {1_000, 1_110, 1_195, 1_320};
        for (int i = 0; i < arrivals.length; i++) {
            at(arrivals[i]);
            table.onBeacon(beacon("alice", Beacon.ONLINE, i + 1, i * 100L, 100), ADDR);
        }
        assertThat(table.jitter("alice")).isEqualTo(2.99072265625);
        assertThat(row("alice").jitterMs()).as("rounded to 0.1 ms").isEqualTo(3.0);
    }

    @Test
    void jitterTakesLateBeaconsInOrderOfArrivalAndSkipsDuplicates() {
        at(1_000);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 1, 0, 100), ADDR);     // transit 1000
        at(1_200);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 3, 200, 100), ADDR);   // transit 1000, D = 0
        at(1_250);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 2, 100, 100), ADDR);   // late: transit 1150, D = 150
        assertThat(table.jitter("alice")).isEqualTo(150 / 16.0);
        at(1_400);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 2, 100, 100), ADDR);   // duplicate: ignored
        assertThat(table.jitter("alice")).isEqualTo(150 / 16.0);
        assertThat(row("alice").jitterMs()).isEqualTo(9.4);
    }

    @Test
    void aRestartedSenderStartsItsJitterAfresh() {
        at(1_000);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 1, 0, 100), ADDR);
        at(1_180);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 2, 100, 100), ADDR);
        assertThat(table.jitter("alice")).isEqualTo(5.0);
        at(5_000);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 1, 3_000, 100), ADDR);
        assertThat(table.jitter("alice")).isZero();
        at(5_100);
        table.onBeacon(beacon("alice", Beacon.ONLINE, 2, 3_100, 100), ADDR);
        assertThat(table.jitter("alice")).isZero();
    }
    // ---- verified peers (signed beacons) ----

    private static final String FORGER = "192.0.2.66:6666";
    private final Object aliceKey = new Object();

    @Test
    void anUnverifiedBeaconNeverChangesRenewsOrRemovesAVerifiedPeer() {
        at(1_000);
        assertThat(table.onBeacon(online("alice", 1), ADDR, aliceKey)).isTrue();
        assertThat(row("alice").verified()).isTrue();
        at(1_500);
        assertThat(table.onBeacon(beacon("alice", Beacon.AWAY, 2, 400, 60_000), FORGER)).isFalse();
        assertThat(table.onBeacon(beacon("ALICE", Beacon.OFFLINE, 3, 600, 200), FORGER)).isFalse();
        assertThat(row("alice")).extracting(PeerInfo::address, PeerInfo::status, PeerInfo::verified)
                .containsExactly(ADDR, Beacon.ONLINE, true);
        assertThat(events).containsExactly(new Presence("alice", ADDR, Beacon.ONLINE, true));
        at(1_601); // 3 intervals of 200 ms after her own beacon: the forged ones did not renew it
        assertThat(row("alice")).isNull();
        assertThat(events).last().isEqualTo(new Presence("alice", ADDR, Beacon.OFFLINE, true));
    }

    @Test
    void aVerifiedBeaconReplacesAnUnverifiedPeerAndStartsItsMeasurementsAfresh() {
        table.onBeacon(online("alice", 40), FORGER);
        table.onBeacon(online("alice", 50), FORGER); // 9 lost in the forger's window
        assertThat(row("alice").loss()).isGreaterThan(0.0);
        assertThat(table.onBeacon(online("alice", 1), ADDR, aliceKey)).isTrue();
        assertThat(row("alice")).extracting(PeerInfo::address, PeerInfo::loss, PeerInfo::verified)
                .containsExactly(ADDR, 0.0, true);
        assertThat(events).containsExactly(new Presence("alice", FORGER, Beacon.ONLINE, false),
                new Presence("alice", ADDR, Beacon.ONLINE, true));
    }

    @Test
    void aVerifiedPeerOfAnotherSessionStartsAfreshAndItsHolderIsKnown() {
        Object bobKey = new Object();
        table.onBeacon(online("alice", 5), ADDR, aliceKey);
        assertThat(table.holderOf("alice")).isSameAs(aliceKey);
        table.onBeacon(online("alice", 1), FORGER, bobKey); // the nick changed hands
        assertThat(row("alice")).extracting(PeerInfo::address, PeerInfo::verified).containsExactly(FORGER, true);
        assertThat(table.holderOf("alice")).isSameAs(bobKey);
        table.onBeacon(beacon("alice", Beacon.OFFLINE, 2, 400, 200), FORGER, bobKey);
        assertThat(row("alice")).isNull();
        assertThat(table.holderOf("alice")).isNull();
        table.onBeacon(online("dora", 1), FORGER);
        assertThat(table.holderOf("dora")).as("unverified").isNull();
    }

    @Test
    void evictionTakesUnverifiedPeersFirstAndNeverForAnUnverifiedBeacon() {
        table = new PresenceTable(2, clock::get, events::add);
        table.onBeacon(online("alice", 1), ADDR, aliceKey);   // the stalest
        table.onBeacon(online("fake1", 1), FORGER);
        assertThat(table.onBeacon(online("fake2", 1), FORGER)).isTrue(); // evicts fake1, not alice
        assertThat(table.peers()).extracting(PeerInfo::nick).containsExactly("alice", "fake2");
        Object bobKey = new Object();
        table.onBeacon(online("bob", 1), ADDR, bobKey);       // evicts fake2
        assertThat(table.onBeacon(online("fake3", 1), FORGER)).as("full of verified peers").isFalse();
        assertThat(table.peers()).extracting(PeerInfo::nick).containsExactly("alice", "bob");
        table.onBeacon(online("carol", 1), ADDR, new Object()); // a verified one may evict the stalest verified
        assertThat(table.peers()).extracting(PeerInfo::nick).containsExactly("bob", "carol");
    }
}
