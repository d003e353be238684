package dev.chat.server.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads {@code --tls-cert}/{@code --tls-key} when their contents change, without a restart
 * (as Ergo does on REHASH, but without the signal).
 *
 * <p>Every interval it reads both files (asynchronously: a few kilobytes) and digests them.
 * Contents are compared, not modification times: certbot and Kubernetes replace files by
 * swapping symbolic links, and {@code cp -p} keeps the old time. A change is loaded once the
 * files have stayed the same for one more interval, so a certificate written a moment before
 * its key is not tried half-way. A pair that cannot be used (wrong key, expired, not PEM) is
 * logged once as a warning and the old certificate stays in use; the next change is tried
 * again. Runs on the event loop; the load itself (parsing, key check) on a worker.
 */
public final class CertificateWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);

    private final Vertx vertx;
    private final Path certFile;
    private final Path keyFile;
    private final Duration interval;
    private final Function<CertificateMaterial, Future<Void>> apply;
    private long timer = -1;
    private byte[] inUse;      // digest of the files now in use (or last tried)
    private byte[] candidate;  // digest seen at the previous check, not yet stable
    private String lastProblem;
    private boolean busy;

    CertificateWatcher(Vertx vertx, Path certFile, Path keyFile, Duration interval,
                       Function<CertificateMaterial, Future<Void>> apply) {
        this.vertx = vertx;
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.interval = interval;
        this.apply = apply;
    }

    /** Records the current contents as in use and starts checking. */
    void start() {
        digest().onSuccess(d -> inUse = d);
        timer = vertx.setPeriodic(interval.toMillis(), id -> check());
    }

    /** Stops checking; idempotent. */
    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /** Checks now (also what the timer does); completes when any reload it started is done. */
    public Future<Void> check() {
        if (busy) {
            return Future.succeededFuture();
        }
        Future<byte[]> read;
        try {
            read = digest();
        } catch (RejectedExecutionException e) {
            stop(); // Vert.x is closing
            return Future.succeededFuture();
        }
        busy = true;
        return read.compose(d -> {
            if (Arrays.equals(d, inUse)) {
                candidate = null;
                return Future.<Void>succeededFuture();
            }
            if (!Arrays.equals(d, candidate)) {
                candidate = d; // changed: wait one interval for the writer to finish
                return Future.<Void>succeededFuture();
            }
            inUse = d;
            candidate = null;
            return vertx.executeBlocking(() -> PemFiles.load(certFile, keyFile), false)
                    .compose(apply::apply)
                    .onSuccess(v -> lastProblem = null)
                    .recover(e -> {
                        problem("TLS: " + certFile + " / " + keyFile + " changed but cannot be used, keeping the "
                                + "certificate in use: " + e.getMessage());
                        return Future.succeededFuture();
                    });
        }, e -> {
            problem("TLS: cannot read " + certFile + " / " + keyFile + " (keeping the certificate in use): "
                    + e.getMessage());
            return Future.succeededFuture();
        }).onComplete(ar -> busy = false);
    }

    private void problem(String line) {
        if (!line.equals(lastProblem)) {
            LOG.warn(line);
            lastProblem = line;
        }
    }

    private Future<byte[]> digest() {
        Future<Buffer> cert = vertx.fileSystem().readFile(certFile.toString());
        Future<Buffer> key = vertx.fileSystem().readFile(keyFile.toString());
        return Future.all(cert, key).map(v -> {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                md.update(cert.result().getBytes());
                md.update((byte) 0);
                md.update(key.result().getBytes());
                return md.digest();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
