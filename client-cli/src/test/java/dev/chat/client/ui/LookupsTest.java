package dev.chat.client.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ServerMessage.PeerInfo;
import org.junit.jupiter.api.Test;

class LookupsTest {
    @Test
    void thePeersListMarksVerifiedPeers() {
        assertThat(Lookups.verifiedMark(new PeerInfo("ann", "127.0.0.1:1", "online", 5, 0, 0, true))).isEqualTo("yes");
        assertThat(Lookups.verifiedMark(new PeerInfo("pybeacon", "127.0.0.1:2", "online", 5, 0, 0))).isEqualTo("no");
    }
}
