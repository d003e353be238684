package dev.chat.client.script;

import dev.chat.client.ClientConfig;
import dev.chat.client.ExitCode;
import dev.chat.client.net.FrameTracer;
import dev.chat.client.session.ServerError;
import dev.chat.client.session.Session;
import dev.chat.client.text.TerminalText;
import dev.chat.client.text.TextSplitter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client without a terminal: {@code --send TEXT}, or each stdin line sent to the current
 * room. Every line goes as {@code say} with an id through the session's outbox; when stdin
 * ends the client waits until each one is acknowledged, then quits: exit 0, or 1 when the
 * server refused any (the refusal is on stderr), or 3 when the connection could not be
 * restored. {@code --follow} keeps printing after stdin ends until SIGTERM.
 */
public final class ScriptMode {
    /** Lines read ahead of their acknowledgements at most: stdin is read no faster than this. */
    static final int MAX_UNACKNOWLEDGED = 256;
    private static final Duration POLL = Duration.ofMillis(200);
    /** The end of stdin, as the reader thread hands it over (compared by identity). */
    private static final String END = new String("end of stdin");

    private final ClientConfig config;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final FrameTracer tracer;
    private final AtomicBoolean refused = new AtomicBoolean();

    public ScriptMode(ClientConfig config, InputStream in, PrintStream out, PrintStream err, FrameTracer tracer) {
        this.config = config;
        this.in = in;
        this.out = out;
        this.err = err;
        this.tracer = tracer;
    }

    /** Runs to the end; returns the exit code. */
    public int run() {
        Session session = new Session(config, new ScriptOutput(out, err, config.json()), tracer);
        Thread hook = new Thread(() -> {
            session.close("terminated");
            out.flush();
        }, "chat-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int code = session.start();
            if (code != ExitCode.OK) {
                return code;
            }
            code = config.send() != null ? sendOne(session) : pipe(session);
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.CONNECT;
        } finally {
            session.close("bye");
            out.flush();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (SIGTERM): the hook does the same
            }
        }
    }

    private int sendOne(Session session) {
        String room = session.state().currentRoom();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (String piece : TextSplitter.split(config.send(), session.maxFrame())) {
            acks.add(track(session.say(room, piece)));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
        CompletableFuture.anyOf(all.exceptionally(ex -> null), session.failure()).join();
        if (session.failure().isDone()) {
            return session.failure().join();
        }
        if (refused.get()) {
            return ExitCode.SERVER_ERROR;
        }
        return acks.stream().anyMatch(CompletableFuture::isCompletedExceptionally) ? ExitCode.CONNECT : ExitCode.OK;
    }

    private int pipe(Session session) throws InterruptedException {
        // stdin is read on a thread of its own: a session that gives up (exit 3) must not wait for
        // a line that an idle, still open stdin never brings
        BlockingQueue<String> lines = new SynchronousQueue<>();
        Thread reader = new Thread(() -> readLines(lines), "chat-stdin");
        reader.setDaemon(true);
        reader.start();
        while (true) {
            String line = lines.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                if (session.failure().isDone()) {
                    return session.failure().join();
                }
                continue;
            }
            if (line == END) {
                break;
            }
            if (line.isEmpty()) {
                continue;
            }
            String room = session.state().currentRoom();
            for (String piece : TextSplitter.split(line, session.maxFrame())) {
                while (!session.outbox().awaitBelow(MAX_UNACKNOWLEDGED, POLL)) {
                    if (session.failure().isDone()) {
                        return session.failure().join();
                    }
                }
                track(session.say(room, piece));
            }
        }
        if (config.follow()) {
            return session.failure().join(); // until SIGTERM, or the session gives up
        }
        while (!session.outbox().awaitBelow(1, POLL)) {
            if (session.failure().isDone()) {
                return session.failure().join();
            }
        }
        return refused.get() ? ExitCode.SERVER_ERROR : ExitCode.OK;
    }

    /** Hands stdin's lines over one at a time (no read-ahead beyond one line), then {@link #END}. */
    private void readLines(BlockingQueue<String> to) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                to.put(line);
            }
        } catch (IOException e) {
            err.println("chat client: cannot read stdin: " + e.getMessage());
        } catch (InterruptedException e) {
            return;
        }
        try {
            to.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CompletableFuture<Void> track(CompletableFuture<Void> ack) {
        return ack.whenComplete((v, ex) -> {
            Throwable t = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
            if (t instanceof ServerError se) {
                refused.set(true);
                err.println("chat client: message refused: " + TerminalText.singleLine(se.getMessage()));
            }
        });
    }
}
