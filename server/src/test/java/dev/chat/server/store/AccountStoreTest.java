package dev.chat.server.store;

import static dev.chat.server.store.StoreTesting.on;
import static dev.chat.server.store.StoreTesting.open;
import static dev.chat.server.store.StoreTesting.sqlite;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Accounts in each store (schema 3): insert once, change the hash, delete; kept across a reopen on disk. */
@Timeout(120)
@ExtendWith(PostgresExtension.class)
class AccountStoreTest {
    @TempDir
    Path tmp;
    Vertx vertx;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() {
        vertx.close().await();
    }

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

    @Test
    void sqliteKeepsThemAcrossAReopen() throws Exception {
        MessageStore store = open(vertx, sqlite(tmp.resolve("data")));
        roundTrip(store.accounts());
        on(vertx, store::close);
        MessageStore again = open(vertx, sqlite(tmp.resolve("data")));
        assertThat(on(vertx, () -> again.accounts().allAccounts()))
                .containsExactly(new StoredAccount("alice", "Alice", "new-hash", 5));
        on(vertx, again::close);
    }

    @Test
    void postgres(PostgresServer pg) throws Exception {
        StoreConfig config = StoreConfig.defaults().withStore(pg.url(pg.createDatabase()));
        MessageStore store = open(vertx, config);
        roundTrip(store.accounts());
        on(vertx, store::close);
        MessageStore again = open(vertx, config);
        assertThat(on(vertx, () -> again.accounts().allAccounts())).extracting(StoredAccount::nick).containsExactly("Alice");
        on(vertx, again::close);
    }
}
