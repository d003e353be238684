package dev.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The beacon signature against a vector computed independently (vectors/generate.py, Python's hmac). */
class BeaconSignatureTest {
    private static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < KEY.length; i++) {
            KEY[i] = (byte) i;
        }
    }

    private static final Beacon.ClientBeacon ALICE = new Beacon.ClientBeacon("alice", "online", 17, 1767225600000L, 2000);
    private static final String SIG = "oQd7k6gG9t4PQ9PdWGlcCTN8L+b2NcLbBROibwC4FBE=";

    @Test
    void theCanonicalFormAndTheSignatureAreTheDocumentedOnes() {
        assertThat(new String(BeaconSignature.canonical(ALICE), StandardCharsets.UTF_8))
                .isEqualTo("chat-beacon-v1\nalice\nonline\n17\n1767225600000\n2000\n");
        assertThat(BeaconSignature.encodeKey(KEY)).isEqualTo("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        assertThat(BeaconSignature.sign(KEY, ALICE)).isEqualTo(SIG);
        assertThat(BeaconSignature.verify(KEY, BeaconSignature.signed(KEY, ALICE))).isTrue();
    }

    @Test
    void everySignedFieldMattersAndSoDoesTheKey() {
        List<Beacon.ClientBeacon> tampered = List.of(
                new Beacon.ClientBeacon("alicf", "online", 17, 1767225600000L, 2000, SIG),
                new Beacon.ClientBeacon("ALICE", "online", 17, 1767225600000L, 2000, SIG),
                new Beacon.ClientBeacon("alice", "offline", 17, 1767225600000L, 2000, SIG),
                new Beacon.ClientBeacon("alice", "online", 18, 1767225600000L, 2000, SIG),
                new Beacon.ClientBeacon("alice", "online", 17, 1767225600001L, 2000, SIG),
                new Beacon.ClientBeacon("alice", "online", 17, 1767225600000L, 2001, SIG));
        for (Beacon.ClientBeacon b : tampered) {
            assertThat(BeaconSignature.verify(KEY, b)).as("%s", b).isFalse();
        }
        byte[] other = KEY.clone();
        other[31] ^= 1;
        assertThat(BeaconSignature.verify(other, BeaconSignature.signed(KEY, ALICE))).isFalse();
        assertThat(BeaconSignature.verify(KEY, ALICE)).as("unsigned").isFalse();
        assertThat(BeaconSignature.verify(KEY, new Beacon.ClientBeacon("alice", "online", 17, 1767225600000L, 2000, "x")))
                .isFalse();
    }

    @Test
    void keysAreRandom32BytesAndBadOnesAreRefused() {
        assertThat(BeaconSignature.newKey()).hasSize(32).isNotEqualTo(BeaconSignature.newKey());
        assertThat(BeaconSignature.decodeKey(BeaconSignature.encodeKey(KEY))).isEqualTo(KEY);
        assertThatThrownBy(() -> BeaconSignature.decodeKey("AAEC")).isInstanceOf(IllegalArgumentException.class);
        assertThat(BeaconSignature.isValidBase64("AAEC")).isFalse();
        assertThat(BeaconSignature.isValidBase64(SIG)).isTrue();
    }
}
