package dev.chat.client.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.protocol.ClientMessage;
import dev.chat.protocol.ClientMessage.Say;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The outbox's bookkeeping; the wire side is covered by the reconnect integration test. */
class OutboxTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong ids = new AtomicLong();
    private final List<Say> sent = new ArrayList<>();

    private boolean record(ClientMessage m) {
        synchronized (sent) {
            sent.add((Say) m);
            sent.notifyAll();
        }
        return true;
    }

    private Say lastSent() {
        synchronized (sent) {
            return sent.get(sent.size() - 1);
        }
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void sendsAtMostTheWindowAndMoreOnEachOk() {
        Outbox o = new Outbox(2, ids::incrementAndGet, timer);
        o.onResumed(this::record);
        CompletableFuture<Void> a = o.submit("r", "a");
        o.submit("r", "b");
        o.submit("r", "c");
        assertThat(sent).extracting(Say::text).containsExactly("a", "b");
        assertThat(o.onOk(sent.get(0).id())).isTrue();
        assertThat(a).isCompleted();
        assertThat(sent).extracting(Say::text).containsExactly("a", "b", "c");
        assertThat(o.size()).isEqualTo(2);
        assertThat(o.onOk(999L)).as("not ours").isFalse();
    }

    @Test
    void anErrorFailsThatMessageOnly() {
        Outbox o = new Outbox(8, ids::incrementAndGet, timer);
        o.onResumed(this::record);
        CompletableFuture<Void> a = o.submit("r", "a");
        o.onError(sent.get(0).id(), new ServerMessage.Error(sent.get(0).id(), ErrorCode.NOT_IN_ROOM, "no"));
        assertThat(a).isCompletedExceptionally();
        ExecutionException e = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class, a::get);
        assertThat(((ServerError) e.getCause()).code()).isEqualTo(ErrorCode.NOT_IN_ROOM);
        assertThat(o.size()).isZero();
    }

    @Test
    void rateLimitedMessagesGoAgainAfterAPause() throws Exception {
        Outbox o = new Outbox(8, ids::incrementAndGet, timer);
        o.onResumed(this::record);
        CompletableFuture<Void> a = o.submit("r", "a");
        Object firstId = sent.get(0).id();
        o.onError(firstId, new ServerMessage.Error(firstId, ErrorCode.RATE_LIMITED, "slow down"));
        assertThat(a).isNotDone();
        synchronized (sent) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sent.size() < 2 && System.nanoTime() < deadline) {
                sent.wait(100);
            }
        }
        Say again = lastSent();
        assertThat(again.text()).isEqualTo("a");
        assertThat(again.id()).isNotEqualTo(firstId);
        o.onOk(again.id());
        assertThat(a).isCompleted();
    }

    @Test
    void unavailableMessagesGoAgainInOrderOneAtATimeUntilAnOk() throws Exception {
        Outbox o = new Outbox(8, ids::incrementAndGet, timer);
        o.onResumed(this::record);
        CompletableFuture<Void> a = o.submit("r", "a");
        CompletableFuture<Void> b = o.submit("r", "b");
        Object idA = sent.get(0).id();
        Object idB = sent.get(1).id();
        // a cluster failing over: both refused, neither applied
        o.onError(idA, new ServerMessage.Error(idA, ErrorCode.UNAVAILABLE, "not applied"));
        o.onError(idB, new ServerMessage.Error(idB, ErrorCode.UNAVAILABLE, "not applied"));
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        awaitSent(3);
        assertThat(lastSent().text()).as("the oldest goes first, alone").isEqualTo("a");
        o.onOk(lastSent().id());
        assertThat(a).isCompleted();
        awaitSent(4);
        assertThat(lastSent().text()).isEqualTo("b");
        o.onOk(lastSent().id());
        assertThat(b).isCompleted();
        assertThat(o.size()).isZero();
    }

    private void awaitSent(int n) throws InterruptedException {
        synchronized (sent) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sent.size() < n && System.nanoTime() < deadline) {
                sent.wait(100);
            }
            assertThat(sent).as("messages sent").hasSize(n);
        }
    }

    @Test
    void afterAnOutageEchoedMessagesAreDoneAndTheRestAreResentInOrder() {
        Outbox o = new Outbox(8, ids::incrementAndGet, timer);
        o.onResumed(this::record);
        CompletableFuture<Void> echoedLive = o.submit("r", "one");
        CompletableFuture<Void> inHistory = o.submit("r", "two");
        CompletableFuture<Void> lost = o.submit("r", "three");
        o.onOwnMessage("r", "one"); // echo seen, ok lost with the connection
        o.onDisconnected();
        assertThat(echoedLive).isCompleted();
        CompletableFuture<Void> queued = o.submit("r", "four"); // typed during the outage
        assertThat(sent).hasSize(3);

        o.onOwnMessage("r", "two"); // found by history after_seq
        assertThat(inHistory).isCompleted();
        o.onResumed(this::record);
        assertThat(sent.subList(3, sent.size())).extracting(Say::text).containsExactly("three", "four");
        assertThat(lost).isNotDone();
        o.onOk(sent.get(3).id());
        o.onOk(sent.get(4).id());
        assertThat(lost).isCompleted();
        assertThat(queued).isCompleted();
        assertThat(o.size()).isZero();
    }

    @Test
    void identicalTextsAreMatchedOldestFirst() {
        Outbox o = new Outbox(8, ids::incrementAndGet, timer);
        o.onResumed(this::record);
        CompletableFuture<Void> first = o.submit("r", "same");
        CompletableFuture<Void> second = o.submit("r", "same");
        o.onDisconnected();
        o.onOwnMessage("r", "same");
        assertThat(first).isCompleted();
        assertThat(second).isNotDone();
        o.onResumed(this::record);
        assertThat(lastSent().text()).isEqualTo("same");
        assertThat(sent).hasSize(3);
    }

    @Test
    void awaitBelowWaitsForAcknowledgements() throws Exception {
        Outbox o = new Outbox(8, ids::incrementAndGet, timer);
        o.onResumed(this::record);
        o.submit("r", "a");
        assertThat(o.awaitBelow(1, Duration.ofMillis(50))).isFalse();
        timer.execute(() -> o.onOk(sent.get(0).id()));
        assertThat(o.awaitBelow(1, Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void abandonFailsEverything() {
        Outbox o = new Outbox(1, ids::incrementAndGet, timer);
        o.onResumed(this::record);
        CompletableFuture<Void> a = o.submit("r", "a");
        CompletableFuture<Void> b = o.submit("r", "b");
        o.abandon(new NotConnectedException("closed"));
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        assertThat(o.size()).isZero();
    }
}
