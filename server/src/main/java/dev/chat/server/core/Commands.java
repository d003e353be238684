package dev.chat.server.core;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.Ping;
import dev.chat.protocol.Pong;
import dev.chat.protocol.ServerMessage;
import dev.chat.server.bus.Addresses;
import dev.chat.server.bus.LocalCodec;
import dev.chat.server.config.ServerConfig;
import dev.chat.server.metrics.ServerMetrics;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command table of one loop: the rules every request passes, whatever transport it came
 * over, before the hub sees it. Requests arrive here decoded and validated by the codec.
 *
 * <ul>
 *   <li>Before {@code hello}, only {@code ping} (answered here) and {@code quit} are served; any
 *       other request gets {@code not_registered}. Requests pipelined behind a {@code hello} go
 *       to the hub, which knows whether it succeeded. A second {@code hello} is
 *       {@code already_registered}.
 *   <li>{@code say} and {@code dm} pass the session's token bucket ({@code rate_limited}).
 *   <li>Everything else goes to the hub ({@link HubCall}, with the request's deadline) or, for
 *       {@code peers}, to the presence table; the answer is sent back in order.
 *   <li>A session with {@link #MAX_REQUESTS_IN_FLIGHT} requests unanswered stops being read
 *       ({@link Connection#pauseReading}) until replies bring it down to half that.
 * </ul>
 */
final class Commands {
    private static final Logger LOG = LoggerFactory.getLogger(Commands.class);
    /**
     * Requests one session may have waiting for the hub's answer. At this many the session stops
     * being read, and is read again once replies bring it down to half: a client sending faster
     * than the hub answers is slowed by its transport instead of piling requests up in memory.
     */
    static final int MAX_REQUESTS_IN_FLIGHT = ChatLoop.MAX_REQUESTS_IN_FLIGHT;

    private final ChatLoop loop;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final Deadlines deadlines;
    private final DeliveryOptions toHub;
    /** Tokens per nanosecond; 0 when say/dm are not rate limited. */
    private final double perNano;
    private final double burst;

    Commands(ChatLoop loop, ServerConfig config, ServerMetrics metrics) {
        this.loop = loop;
        this.config = config;
        this.metrics = metrics;
        this.deadlines = new Deadlines(config.requestTimeout());
        this.toHub = new DeliveryOptions(LocalCodec.LOCAL).setSendTimeout(deadlines.requestMillis());
        this.perNano = config.rateLimit() / 1e9;
        this.burst = config.rateBurst();
    }

    /** A new session's bucket: full. */
    double fullBucket() {
        return burst;
    }

    void dispatch(Session s, ClientMessage m) {
        if (m instanceof Ping) {
            s.send(new Pong(m.id()));
            return;
        }
        if (m instanceof ClientMessage.Quit q) {
            s.quitReason(q.reason());
            loop.close(s, "quit", null);
            return;
        }
        if (carriesPassword(m) && !s.passwordsSafe()) {
            s.send(Refusal.PLAINTEXT_PASSWORD.to(m));
            return;
        }
        if (m instanceof ClientMessage.Hello) {
            if (s.helloSent()) {
                s.send(Refusal.ALREADY_REGISTERED.to(m));
                return;
            }
            s.helloSent(true);
            toHub(s, m);
            return;
        }
        if ((m instanceof ClientMessage.Login || m instanceof ClientMessage.Register) && !s.helloSent()) {
            s.helloSent(true); // a hello with an account: the hub answers welcome
            toHub(s, m);
            return;
        }
        if (!s.helloSent()) {
            s.send(Refusal.NOT_REGISTERED.to(m));
            return;
        }
        if (m instanceof Pong) {
            return; // heard: that is all a pong is for
        }
        if (perNano > 0 && (m instanceof ClientMessage.Say || m instanceof ClientMessage.Dm)
                && !s.tryAcquire(System.nanoTime(), perNano, burst)) {
            s.send(Refusal.RATE_LIMITED.to(m));
            return;
        }
        if (m instanceof ClientMessage.ListPeers) {
            peers(s, m);
            return;
        }
        toHub(s, m);
    }

    /**
     * Whether the request carries a password: refused ({@code plaintext_password}) on a connection
     * where others could read it (not encrypted, not from loopback), unless
     * {@code --allow-plaintext-passwords}. Checked here, before the hub sees it.
     */
    private static boolean carriesPassword(ClientMessage m) {
        return (m instanceof ClientMessage.Hello h && h.password() != null) || m instanceof ClientMessage.Login
                || m instanceof ClientMessage.Register || m instanceof ClientMessage.Password
                || m instanceof ClientMessage.Unregister;
    }

    private void toHub(Session s, ClientMessage m) {
        long deadline = deadlines.forLoop(System.nanoTime());
        request(s, Addresses.HUB, new HubCall(s, m, deadline))
                .onSuccess(reply -> onHubReply(s, m, reply.body()))
                .onFailure(e -> {
                    LOG.debug("{}: {} not answered: {}", s, m.type(), e.toString());
                    s.send(Refusal.TIMED_OUT.to(m));
                });
    }

    private void onHubReply(Session s, ClientMessage request, ServerMessage reply) {
        if (reply instanceof ServerMessage.Welcome w) {
            s.registered(w.nick());
            loop.helloDone(s);
            LOG.debug("hello {}", s);
        } else if ((request instanceof ClientMessage.Hello || request instanceof ClientMessage.Login
                || request instanceof ClientMessage.Register) && reply instanceof ServerMessage.Error && !s.registered()) {
            s.helloSent(false); // the client may try another nick
        } else if (request instanceof ClientMessage.Nick n && reply instanceof ServerMessage.Ok) {
            s.renamed(n.nick());
        } else if (request instanceof ClientMessage.Login l && reply instanceof ServerMessage.Ok) {
            s.renamed(l.nick()); // logged in: the session took the account's nick
        }
        if (reply instanceof ServerMessage.Ok && (request instanceof ClientMessage.Say || request instanceof ClientMessage.Dm)) {
            metrics.messagesAccepted.increment();
        }
        if (reply instanceof ServerMessage.Ok && reply.id() == null) {
            return; // ok is only sent to requests that carried an id
        }
        s.send(reply instanceof ServerMessage.Welcome w ? loop.welcome(w) : reply);
    }

    private void peers(Session s, ClientMessage m) {
        String table = config.cluster() ? Addresses.CLUSTER_PEERS : Addresses.PRESENCE_PEERS;
        request(s, table, m)
                .onSuccess(reply -> s.send(reply.body()))
                .onFailure(e -> s.send(Refusal.PRESENCE_UNAVAILABLE.to(m)));
    }

    /** Sends a request on behalf of a session, counted in its requests in flight until answered. */
    private Future<Message<ServerMessage>> request(Session s, String address, Object body) {
        requestSent(s);
        return loop.vertx().eventBus().<ServerMessage>request(address, body, toHub)
                .andThen(ar -> requestAnswered(s));
    }

    /** One more request awaits its answer; at the bound, stop reading the session. */
    private void requestSent(Session s) {
        int n = s.requestSent();
        metrics.requestsInFlight.incrementAndGet();
        if (n > metrics.requestsInFlightPeak.get()) {
            metrics.requestsInFlightPeak.accumulateAndGet(n, Math::max);
        }
        if (n >= MAX_REQUESTS_IN_FLIGHT && !s.readsPaused() && !s.closing()) {
            s.readsPaused(true);
            s.connection().pauseReading(); // what was read already still arrives: held
            metrics.readsPausedTotal.increment();
            metrics.sessionsPaused.incrementAndGet();
        }
    }

    /** A request was answered; at half the bound, serve the held requests, then read again. */
    private void requestAnswered(Session s) {
        metrics.requestsInFlight.decrementAndGet();
        int n = s.requestAnswered();
        long now = System.nanoTime();
        if (n == 0) {
            s.heard(now); // silence counts from our last answer: the client was waiting for it
        }
        if (!s.readsPaused() || s.closing() || n > MAX_REQUESTS_IN_FLIGHT / 2) {
            return;
        }
        s.heard(now); // the client was not silent: we did not read it
        Object held;
        while (s.requestsInFlight() < MAX_REQUESTS_IN_FLIGHT && !s.closing() && (held = s.nextHeld()) != null) {
            loop.serveHeld(s, held);
        }
        if (s.requestsInFlight() < MAX_REQUESTS_IN_FLIGHT && !s.closing()) {
            s.readsPaused(false);
            metrics.sessionsPaused.decrementAndGet();
            s.connection().resumeReading();
        }
    }
}
