package dev.chat.server.accounts;

import dev.chat.server.core.AccountService;
import dev.chat.server.core.Refusal;
import dev.chat.server.store.AccountStore;
import dev.chat.server.store.StoredAccount;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's accounts, for its hub: every account's record in memory (read from the store at
 * start, written through to it on every change), passwords hashed and checked with Argon2id on a
 * small pool of workers of their own (never the event loops; at most {@link #MAX_WAITING} checks
 * waiting, beyond that {@code unavailable}), failed logins throttled ({@link LoginThrottle}) and
 * logged at INFO, without the password. A login for a nick without an account is checked against
 * a dummy hash, so that its answer takes as long as a wrong password's. Hub context only.
 */
public final class Accounts implements AccountService {
    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
    /** Password hashes computed or waiting at once; more are refused {@code unavailable}. */
    static final int MAX_WAITING = 32;
    /** Workers for the hashes: Argon2id is memory-hard, a few at a time is what a small host affords. */
    static final int WORKERS = 2;
    /** The most accounts a node keeps (their records are in memory). */
    public static final int MAX_ACCOUNTS = 100_000;

    private final Vertx vertx;
    private final AccountStore store;
    private final PasswordHash hasher;
    private final LoginThrottle throttle = new LoginThrottle();
    private final LongSupplier clockMs;
    private final WorkerExecutor workers;
    private final Map<String, StoredAccount> byKey = new HashMap<>();
    /** Nick keys whose account is being created. */
    private final Set<String> creating = new HashSet<>();
    private int waiting;

    private Accounts(Vertx vertx, AccountStore store, PasswordHash hasher, LongSupplier clockMs) {
        this.vertx = vertx;
        this.store = store;
        this.hasher = hasher;
        this.clockMs = clockMs;
        this.workers = vertx.createSharedWorkerExecutor("chat-passwords", WORKERS);
    }

    /**
     * Reads every account from the store and prepares the hasher (on a worker: it computes the
     * dummy hash). Call on the hub's context; completes there.
     */
    public static Future<Accounts> load(Vertx vertx, AccountStore store) {
        return vertx.executeBlocking(() -> new PasswordHash(), false).compose(hasher -> store.allAccounts().map(all -> {
            Accounts a = new Accounts(vertx, store, hasher, System::currentTimeMillis);
            for (StoredAccount s : all) {
                a.byKey.put(s.nickKey(), s);
            }
            LOG.info("{} account(s)", all.size());
            return a;
        }));
    }

    /** The accounts' nicks (tests, metrics). */
    public int size() {
        return byKey.size();
    }

    @Override
    public boolean exists(String nickKey) {
        return byKey.containsKey(nickKey) || creating.contains(nickKey);
    }

    @Override
    public Future<Void> login(String address, String nickKey, String password, long deadline) {
        return check(address, nickKey, password, deadline, "login");
    }

    @Override
    public Future<Void> register(String address, String nickKey, String nick, String password) {
        if (exists(nickKey)) {
            return Future.failedFuture(Refusal.ACCOUNT_EXISTS.refused(nick));
        }
        if (byKey.size() + creating.size() >= MAX_ACCOUNTS) {
            return Future.failedFuture(Refusal.TOO_MANY_ACCOUNTS.refused());
        }
        creating.add(nickKey);
        return hashing(() -> hasher.hash(password))
                .compose(hash -> {
                    StoredAccount a = new StoredAccount(nickKey, nick, hash, clockMs.getAsLong());
                    return stored(store.insertAccount(a)).compose(inserted -> {
                        if (!inserted) {
                            return Future.failedFuture(Refusal.ACCOUNT_EXISTS.refused(nick));
                        }
                        byKey.put(nickKey, a);
                        LOG.info("account '{}' registered from {}", nick, address);
                        return Future.<Void>succeededFuture();
                    });
                })
                .andThen(ar -> creating.remove(nickKey));
    }

    @Override
    public Future<Void> changePassword(String address, String nickKey, String oldPassword, String newPassword,
                                       long deadline) {
        return check(address, nickKey, oldPassword, deadline, "password change")
                .compose(v -> hashing(() -> hasher.hash(newPassword)))
                .compose(hash -> stored(store.updateAccountHash(nickKey, hash)).map(v -> {
                    StoredAccount a = byKey.get(nickKey);
                    if (a != null) {
                        byKey.put(nickKey, new StoredAccount(nickKey, a.nick(), hash, a.created()));
                    }
                    LOG.info("account '{}' changed its password", a == null ? nickKey : a.nick());
                    return null;
                }));
    }

    @Override
    public Future<Void> unregister(String address, String nickKey, String password, long deadline) {
        return check(address, nickKey, password, deadline, "unregister")
                .compose(v -> stored(store.deleteAccount(nickKey)))
                .map(v -> {
                    StoredAccount a = byKey.remove(nickKey);
                    LOG.info("account '{}' deleted", a == null ? nickKey : a.nick());
                    return null;
                });
    }

    /**
     * Waits the throttle's delay (refused at once if it would outlast the deadline), then checks the
     * password against the account's hash, or a dummy one when there is no account.
     */
    private Future<Void> check(String address, String nickKey, String password, long deadline, String what) {
        long now = clockMs.getAsLong();
        long delay = throttle.attempt(address, nickKey, now);
        long leftMs = (deadline - System.nanoTime()) / 1_000_000;
        if (deadline != Long.MAX_VALUE && delay > 0 && delay + 1_000 > leftMs) {
            LOG.info("{} for '{}' from {} refused: too many failed attempts", what, nickKey, address);
            return Future.failedFuture(Refusal.LOGIN_THROTTLED.refused((delay + 999) / 1000));
        }
        Future<Void> waited = delay == 0 ? Future.succeededFuture() : sleep(delay);
        return waited.compose(v -> {
            StoredAccount a = byKey.get(nickKey);
            String hash = a == null ? null : a.hash();
            return hashing(() -> hasher.verify(password, hash));
        }).compose(ok -> {
            if (ok && byKey.containsKey(nickKey)) {
                throttle.succeeded(address, nickKey);
                return Future.succeededFuture();
            }
            LOG.info("failed {} for '{}' from {} ({} attempt(s) from that address)", what, nickKey, address,
                    throttle.failures(address, clockMs.getAsLong()));
            return Future.failedFuture(Refusal.LOGIN_FAILED.refused());
        });
    }

    private Future<Void> sleep(long ms) {
        Promise<Void> p = Promise.promise();
        vertx.setTimer(ms, t -> p.complete());
        return p.future();
    }

    /** Runs password work on the workers, unless too much is waiting already. */
    private <T> Future<T> hashing(Callable<T> work) {
        if (waiting >= MAX_WAITING) {
            return Future.failedFuture(Refusal.PASSWORDS_BUSY.refused());
        }
        waiting++;
        return workers.executeBlocking(work, false).andThen(ar -> waiting--);
    }

    /** A store write whose failure the client hears as {@code unavailable}. */
    private static <T> Future<T> stored(Future<T> write) {
        return write.recover(e -> {
            LOG.warn("account store: {}", e.getMessage());
            return Future.failedFuture(Refusal.ACCOUNTS_UNAVAILABLE.refused(e.getMessage()));
        });
    }

    /**
     * Another node of the cluster created, changed ({@code account} not null) or deleted
     * ({@code null}) the account of {@code nickKey}: this node's copy follows. Hub context.
     */
    public void changedElsewhere(String nickKey, StoredAccount account) {
        if (account == null) {
            byKey.remove(nickKey);
        } else {
            byKey.put(nickKey, account);
        }
    }

    /** Frees the workers. */
    public Future<Void> close() {
        return workers.close();
    }
}
