package dev.chat.server.store;

import static dev.chat.server.store.StoreTesting.on;
import static dev.chat.server.store.StoreTesting.open;
import static dev.chat.server.store.StoreTesting.sqlite;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Accounts in each store (schema 3): insert once, change the hash, delete; kept across a reopen on disk. */
@Timeout(120)
@ExtendWith(PostgresExtension.class)
class AccountStoreTest extends StoreFixture {
    private void roundTrip(AccountStore a) throws Exception {
        StoredAccount alice = new StoredAccount("alice", "Alice", "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA", 5);
        assertThat(on(vertx, () -> a.insertAccount(alice))).isTrue();
        assertThat(on(vertx, () -> a.insertAccount(new StoredAccount("alice", "alice", "other", 6))))
                .as("a nick has one account").isFalse();
        on(vertx, () -> a.updateAccountHash("alice", "new-hash"));
        assertThat(on(vertx, a::allAccounts)).containsExactly(new StoredAccount("alice", "Alice", "new-hash", 5));
        assertThat(on(vertx, () -> a.insertAccount(new StoredAccount("bob", "bob", "h", 7)))).isTrue();
        on(vertx, () -> a.deleteAccount("bob"));
        on(vertx, () -> a.deleteAccount("nobody"));
        assertThat(on(vertx, a::allAccounts)).extracting(StoredAccount::nickKey).containsExactly("alice");
    }

    @Test
    void memory() throws Exception {
        MessageStore store = open(vertx, StoreConfig.defaults().withStore(StoreConfig.MEMORY));
        roundTrip(store.accounts());
        assertThat(store.accounts()).as("one account table per store").isSameAs(store.accounts());
        on(vertx, store::close);
    }

    /** {@link #roundTrip} in a store of this config, closed; then the accounts the store has when opened again. */
    private List<StoredAccount> roundTripThenReopen(StoreConfig config) throws Exception {
        MessageStore store = open(vertx, config);
        roundTrip(store.accounts());
        on(vertx, store::close);
        MessageStore again = open(vertx, config);
        try {
            return on(vertx, () -> again.accounts().allAccounts());
        } finally {
            on(vertx, again::close);
        }
    }

    @Test
    void sqliteKeepsThemAcrossAReopen() throws Exception {
        assertThat(roundTripThenReopen(sqlite(tmp.resolve("data"))))
                .containsExactly(new StoredAccount("alice", "Alice", "new-hash", 5));
    }

    @Test
    void postgres(PostgresServer pg) throws Exception {
        assertThat(roundTripThenReopen(StoreConfig.defaults().withStore(pg.url(pg.createDatabase()))))
                .extracting(StoredAccount::nick).containsExactly("Alice");
    }
}
