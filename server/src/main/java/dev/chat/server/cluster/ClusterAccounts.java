package dev.chat.server.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.chat.server.accounts.Accounts;
import dev.chat.server.store.AccountStore;
import dev.chat.server.store.StoredAccount;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts of a cluster: one Hazelcast map ({@link #MAP}, nick key to account record, with
 * Hazelcast's backups) that every node reads, written through to every node's own store, so that
 * an account registered on one node logs in on every node, and survives a restart of the whole
 * cluster (at start each node puts the accounts of its store back into the map, where missing).
 * A node keeps a copy of every record ({@link Accounts}) and follows the map's changes.
 *
 * <p>Limits: a node that was down while an account was deleted puts it back from its store when
 * it starts again; the copies follow the map within the time an event takes to cross the cluster.
 */
final class ClusterAccounts implements AccountStore {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterAccounts.class);
    /** The Hazelcast map of the accounts. */
    static final String MAP = "chat.accounts";

    private final Vertx vertx;
    private final IMap<String, String> map;
    private final AccountStore local;

    private ClusterAccounts(Vertx vertx, HazelcastInstance hz, AccountStore local) {
        this.vertx = vertx;
        this.map = hz.getMap(MAP);
        this.local = local;
    }

    /**
     * Puts the node's stored accounts into the map where missing, then returns the store the
     * node's {@link Accounts} reads and writes. Call on the hub's context.
     */
    static Future<ClusterAccounts> open(Vertx vertx, HazelcastInstance hz, AccountStore local) {
        ClusterAccounts c = new ClusterAccounts(vertx, hz, local);
        return local.allAccounts().compose(stored -> vertx.executeBlocking(() -> {
            for (StoredAccount a : stored) {
                c.map.putIfAbsent(a.nickKey(), encode(a));
            }
            return c;
        }, false));
    }

    /**
     * From now on, every change of the map (by any node) is written to this node's store and told
     * to {@code accounts} on {@code context}.
     */
    void follow(Context context, Accounts accounts) {
        BiConsumer<String, String> changed = (key, value) -> context.runOnContext(v -> {
            StoredAccount a = value == null ? null : decode(key, value);
            accounts.changedElsewhere(key, a);
            Future<?> written = a == null ? local.deleteAccount(key)
                    : local.insertAccount(a).compose(inserted -> inserted ? Future.succeededFuture()
                            : local.updateAccountHash(key, a.hash()));
            written.onFailure(e -> LOG.warn("account '{}' not written to this node's store: {}", key, e.getMessage()));
        });
        map.addEntryListener((EntryAddedListener<String, String>) e -> changed.accept(e.getKey(), e.getValue()), true);
        map.addEntryListener((EntryUpdatedListener<String, String>) e -> changed.accept(e.getKey(), e.getValue()), true);
        map.addEntryListener((EntryRemovedListener<String, String>) (EntryEvent<String, String> e) ->
                changed.accept(e.getKey(), null), false);
    }

    @Override
    public Future<List<StoredAccount>> allAccounts() {
        return vertx.executeBlocking(() -> {
            List<StoredAccount> out = new ArrayList<>();
            for (Map.Entry<String, String> e : map.entrySet()) {
                out.add(decode(e.getKey(), e.getValue()));
            }
            return out;
        }, false);
    }

    @Override
    public Future<Boolean> insertAccount(StoredAccount a) {
        return vertx.executeBlocking(() -> map.putIfAbsent(a.nickKey(), encode(a)) == null, false);
    }

    @Override
    public Future<Void> updateAccountHash(String nickKey, String hash) {
        return Future.fromCompletionStage(map.getAsync(nickKey), vertx.getOrCreateContext()).compose(old -> {
            if (old == null) {
                return Future.succeededFuture();
            }
            StoredAccount a = decode(nickKey, old);
            StoredAccount changed = new StoredAccount(nickKey, a.nick(), hash, a.created());
            return Future.fromCompletionStage(map.setAsync(nickKey, encode(changed)), vertx.getOrCreateContext());
        });
    }

    @Override
    public Future<Void> deleteAccount(String nickKey) {
        return Future.fromCompletionStage(map.removeAsync(nickKey), vertx.getOrCreateContext()).mapEmpty();
    }

    /** {@code nick}, newline, {@code created}, newline, hash: plain text, no Java serialisation. */
    private static String encode(StoredAccount a) {
        return a.nick() + "\n" + a.created() + "\n" + a.hash();
    }

    private static StoredAccount decode(String key, String value) {
        String[] p = value.split("\n", 3);
        return new StoredAccount(key, p[0], p[2], Long.parseLong(p[1]));
    }
}
