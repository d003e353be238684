package dev.chat.server.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where accounts are kept ({@link MessageStore#accounts()}): in the SQLite file or PostgreSQL
 * database of the messages, or in memory. Every method may be called from any thread and never
 * blocks; results complete on the caller's Vert.x context. A write completes once committed.
 */
public interface AccountStore {

    /** Every account: read once at start (accounts are few, and their hashes are small). */
    Future<List<StoredAccount>> allAccounts();

    /** Stores a new account: true, or false if its nick key has an account already (nothing changes). */
    Future<Boolean> insertAccount(StoredAccount account);

    /** Replaces the hash of an existing account (a password change). */
    Future<Void> updateAccountHash(String nickKey, String hash);

    /** Deletes an account; deleting one that does not exist succeeds. */
    Future<Void> deleteAccount(String nickKey);

    /** Accounts in this process's memory only: the memory store's, gone with the process. */
    static AccountStore inMemory() {
        Map<String, StoredAccount> accounts = new ConcurrentHashMap<>();
        return new AccountStore() {
            @Override
            public Future<List<StoredAccount>> allAccounts() {
                return Future.succeededFuture(List.copyOf(accounts.values()));
            }

            @Override
            public Future<Boolean> insertAccount(StoredAccount a) {
                return Future.succeededFuture(accounts.putIfAbsent(a.nickKey(), a) == null);
            }

            @Override
            public Future<Void> updateAccountHash(String nickKey, String hash) {
                accounts.computeIfPresent(nickKey, (k, a) -> new StoredAccount(k, a.nick(), hash, a.created()));
                return Future.succeededFuture();
            }

            @Override
            public Future<Void> deleteAccount(String nickKey) {
                accounts.remove(nickKey);
                return Future.succeededFuture();
            }
        };
    }
}
