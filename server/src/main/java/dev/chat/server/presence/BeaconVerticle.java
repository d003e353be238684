package dev.chat.server.presence;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The UDP side: receives presence beacons on {@code --udp-port}. Never answers a datagram.
 * Malformed and oversized datagrams are dropped and counted.
 */
public final class BeaconVerticle extends VerticleBase {
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final IntConsumer boundPort;
    private DatagramSocket socket;

    public BeaconVerticle(ServerConfig config, ServerMetrics metrics, IntConsumer boundPort) {
        this.config = config;
        this.metrics = metrics;
        this.boundPort = boundPort;
    }

    @Override
    public Future<?> start() {
        vertx.eventBus().localConsumer(Addresses.PRESENCE_PEERS, this::onPeers);
        socket = vertx.createDatagramSocket(new DatagramSocketOptions().setReuseAddress(true));
        socket.handler(this::onDatagram);
        return socket.listen(config.udpPort(), config.host())
                .onSuccess(s -> boundPort.accept(s.localAddress().port()));
    }

    private void onDatagram(DatagramPacket packet) {
        byte[] data = packet.data().getBytes();
        Beacon beacon;
        try {
            beacon = MessageCodec.decodeBeacon(Frames.datagramPayload(data, data.length));
        } catch (ProtocolException e) {
            metrics.beaconDropped(e.code().equals("frame_too_large") ? "oversized" : "malformed");
            return;
        }
        metrics.beaconsAccepted.increment();
    }

    private void onPeers(Message<Object> msg) {
        Object id = ((dev.chat.protocol.ClientMessage) msg.body()).id();
        msg.reply(new ServerMessage.PeerList(id, List.of()), LocalCodec.LOCAL);
    }
}
