package dev.chat.tools.impair;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seeded decisions: repeatable, and independent of options that do not concern them. */
class ImpairmentTest {

    static List<Fate> fates(int n, String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "--listen";
        args[1] = "127.0.0.1:0";
        args[2] = "--forward";
        args[3] = "127.0.0.1:9";
        System.arraycopy(options, 0, args, 4, options.length);
        Impairment imp = Impairment.forDirection(ImpairCommand.config(args), Direction.FORWARD, 0);
        List<Fate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(imp.next());
        }
        return out;
    }

    static List<Boolean> drops(List<Fate> fates) {
        return fates.stream().map(Fate::lost).toList();
    }

    @Test
    void sameSeedSameFates() {
        assertThat(fates(5000, "--loss", "0.2", "--duplicate", "0.1", "--reorder", "5%", "--jitter", "10ms", "--seed", "77"))
                .isEqualTo(fates(5000, "--loss", "0.2", "--duplicate", "0.1", "--reorder", "5%", "--jitter", "10ms", "--seed", "77"));
    }

    @Test
    void otherSeedOtherDrops() {
        assertThat(drops(fates(5000, "--loss", "0.2", "--seed", "1"))).isNotEqualTo(drops(fates(5000, "--loss", "0.2", "--seed", "2")));
    }

    @Test
    void theDropPatternDoesNotDependOnTheOtherOptions() {
        List<Boolean> plain = drops(fates(5000, "--loss", "0.2", "--seed", "3"));
        assertThat(drops(fates(5000, "--loss", "0.2", "--seed", "3", "--duplicate", "0.3", "--reorder", "0.1",
                "--delay", "20ms", "--jitter", "50ms", "--distribution", "pareto"))).isEqualTo(plain);
        assertThat(plain.stream().filter(b -> b).count()).isBetween(900L, 1100L);
    }

    @Test
    void directionsAndConnectionsDrawFromTheirOwnStreams() {
        long seed = 11;
        assertThat(Impairment.seedFor(seed, Direction.FORWARD, 0)).isNotEqualTo(Impairment.seedFor(seed, Direction.REPLY, 0));
        assertThat(Impairment.seedFor(seed, Direction.REPLY, 0)).isNotEqualTo(Impairment.seedFor(seed, Direction.FORWARD, 1));
        assertThat(Impairment.seedFor(seed, Direction.FORWARD, 0)).isEqualTo(Impairment.seedFor(seed, Direction.FORWARD, 0));
    }

    @Test
    void oneWayLeavesRepliesAlone() {
        ImpairConfig c = ImpairCommand.config("--listen", "127.0.0.1:0", "--forward", "127.0.0.1:9",
                "--loss", "0.5", "--delay", "10ms", "--duplicate", "0.5", "--one-way");
        Impairment reply = Impairment.forDirection(c, Direction.REPLY, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(reply.next()).isEqualTo(new Fate(false, false, false, 0, 0));
        }
    }

    @Test
    void linkSerialisesAtTheRate() {
        Link link = new Link(1000); // 1 ms per byte
        long t0 = 1_000_000_000L;
        assertThat(link.depart(t0, 100)).isEqualTo(t0 + 100_000_000L);
        assertThat(link.depart(t0, 100)).isEqualTo(t0 + 200_000_000L); // queued behind the first
        assertThat(link.depart(t0 + 500_000_000L, 10)).isEqualTo(t0 + 510_000_000L); // idle link: no credit saved
        assertThat(new Link(0).depart(t0, 1_000_000)).isEqualTo(t0);
    }
}
