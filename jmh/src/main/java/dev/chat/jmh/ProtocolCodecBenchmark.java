package dev.chat.jmh;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.FrameDecoder;
import dev.chat.protocol.FrameTooLargeException;
import dev.chat.protocol.Frames;
import dev.chat.protocol.MessageCodec;
import dev.chat.protocol.ProtocolException;
import dev.chat.protocol.ServerMessage;
import dev.chat.protocol.ServerMessage.ChatMessage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The codec work done per chat message: a client decoding a room {@code message} frame as it
 * comes off the socket, a server decoding a {@code say}, and a server encoding the frame it
 * fans out. Texts are about 100 bytes, a typical chat line.
 *
 * <p>Run: {@code java -jar jmh/target/benchmarks.jar ProtocolCodecBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ProtocolCodecBenchmark {

    static final String TEXT = "Deploy of build 4711 finished on all three nodes; smoke tests are green, "
            + "rolling back is not needed."; // 100 bytes

    private ChatMessage message;
    private byte[] messageFrame;
    private byte[] sayPayload;
    private FrameDecoder decoder;
    private byte[] lastPayload;
    private final FrameDecoder.FrameSink keepLast = p -> lastPayload = p;

    @Setup(Level.Trial)
    public void setUp() {
        if (TEXT.length() != 100) {
            throw new IllegalStateException("TEXT should be 100 bytes, is " + TEXT.length());
        }
        message = ChatMessage.inRoom("general", "alice", TEXT, 1_767_225_600_000L, 4242L);
        messageFrame = MessageCodec.encodeFrame(message);
        sayPayload = MessageCodec.encode(new ClientMessage.Say(17L, "general", TEXT));
        decoder = new FrameDecoder(Frames.DEFAULT_MAX_FRAME); // one connection's decoder, reused
    }

    /** A client receiving a room message: frame reassembly, UTF-8 check, JSON parse, validation. */
    @Benchmark
    public ServerMessage decodeRoomMessageFrame() throws FrameTooLargeException, ProtocolException {
        decoder.feed(messageFrame, keepLast);
        return MessageCodec.decodeServer(lastPayload);
    }

    /** A server decoding a say payload (the frame already split off). */
    @Benchmark
    public ClientMessage decodeSay() throws ProtocolException {
        return MessageCodec.decodeClient(sayPayload);
    }

    /** A server encoding the room message frame it sends to every member. */
    @Benchmark
    public byte[] encodeRoomMessageFrame() {
        return MessageCodec.encodeFrame(message);
    }
}
