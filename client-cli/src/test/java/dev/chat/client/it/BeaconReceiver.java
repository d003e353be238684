package dev.chat.client.it;

import dev.chat.protocol.Beacon;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A UDP socket on loopback standing in for a server's UDP port: collects the beacons it gets. */
final class BeaconReceiver implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<Beacon> received = new ArrayList<>();

    BeaconReceiver() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::loop, "beacon-receiver");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Sends datagrams from this socket (so replies to its port come back here). */
    void send(SocketAddress to, byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, to));
    }

    List<Beacon.ClientBeacon> clientBeacons() {
        synchronized (received) {
            return received.stream().filter(b -> b instanceof Beacon.ClientBeacon)
                    .map(b -> (Beacon.ClientBeacon) b).toList();
        }
    }

    private void loop() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                Beacon b = MessageCodec.decodeBeacon(Frames.datagramPayload(p.getData(), p.getLength()));
                synchronized (received) {
                    received.add(b);
                }
            } catch (ProtocolException e) {
                // not a beacon: ignored, as a server would
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
