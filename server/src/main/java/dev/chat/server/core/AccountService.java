package dev.chat.server.core;

import io.vertx.core.Future;

/**
 * The accounts as the {@link Hub} uses them: which nicks belong to an account, and the checks
 * and changes that need a password. The password work (Argon2id) runs on workers; every method is
 * called, and completes, on the hub's context. A refusal fails the future with a {@link Refused}
 * ({@link Refusal#LOGIN_FAILED}, {@link Refusal#LOGIN_THROTTLED}, {@link Refusal#ACCOUNT_EXISTS},
 * unavailable ones). {@code address} is the peer's IP address (null: unknown), for throttling.
 */
public interface AccountService {

    /** Whether the nick key belongs to an account. Instant: no store read. */
    boolean exists(String nickKey);

    /** Checks a password, throttled per address and per account; completes when it matches. */
    Future<Void> login(String address, String nickKey, String password, long deadline);

    /** Creates the account of a nick ({@link Refusal#ACCOUNT_EXISTS} if it has one); completes once stored. */
    Future<Void> register(String address, String nickKey, String nick, String password);

    /** Checks {@code oldPassword} (as {@link #login}), then stores the new password's hash. */
    Future<Void> changePassword(String address, String nickKey, String oldPassword, String newPassword, long deadline);

    /** Checks the password (as {@link #login}), then deletes the account. */
    Future<Void> unregister(String address, String nickKey, String password, long deadline);

    /**
     * No accounts: every nick is a guest's, and every account request is refused with
     * {@link Refusal#NO_ACCOUNTS} (a hub built without a store, as in some tests).
     */
    AccountService NONE = new AccountService() {
        @Override
        public boolean exists(String nickKey) {
            return false;
        }

        @Override
        public Future<Void> login(String address, String nickKey, String password, long deadline) {
            return Future.failedFuture(Refusal.NO_ACCOUNTS.refused());
        }

        @Override
        public Future<Void> register(String address, String nickKey, String nick, String password) {
            return Future.failedFuture(Refusal.NO_ACCOUNTS.refused());
        }

        @Override
        public Future<Void> changePassword(String address, String nickKey, String oldPassword, String newPassword,
                                           long deadline) {
            return Future.failedFuture(Refusal.NO_ACCOUNTS.refused());
        }

        @Override
        public Future<Void> unregister(String address, String nickKey, String password, long deadline) {
            return Future.failedFuture(Refusal.NO_ACCOUNTS.refused());
        }
    };
}
