package dev.chat.server.store;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store tests start from: a Vert.x of their own for each test (the store's calls run on
 * its contexts, as the hub makes them; {@link StoreTesting#on}), closed after it, and a
 * temporary directory for data directories. A subclass's own {@code @BeforeEach} runs after this
 * one's, so {@link #vertx} is there.
 */
abstract class StoreFixture {
    @TempDir
    Path tmp;
    Vertx vertx;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void closeVertx() {
        vertx.close().await();
    }
}
