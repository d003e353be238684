package dev.chat.client.tls;

import dev.chat.client.net.ServerAddress;
import dev.chat.protocol.CertificateFingerprint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ~/.config/chat/known_servers}: the certificate fingerprints of servers trusted on first
 * use, like SSH's {@code known_hosts}. One server per line, {@code host:port fingerprint}
 * (IPv6 hosts in brackets), {@code #} starts a comment:
 * <pre>
 * # chat known servers
 * 192.168.1.20:7443 SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU
 * [fe80::1]:7443 SHA256:...
 * </pre>
 * The host is the one the client connected to, as given (a name and its address are two
 * entries). Lines are only ever appended, under a file lock, so clients starting together do
 * not interleave; a user removes a line to forget a server.
 */
public final class KnownServers {
    private static final String HEADER = "# chat known servers: host:port and the SHA-256 fingerprint of its TLS "
            + "certificate, one per line (see docs/TLS.md).\n# Remove a line to forget a server.\n";

    private final Path file;

    /** The entry for a server: its fingerprint and the line it is on (1-based). */
    public record Entry(String fingerprint, int line) {
    }

    public KnownServers(Path file) {
        this.file = file;
    }

    /**
     * Where the file is: {@code $XDG_CONFIG_HOME/chat/known_servers} when that is set to an
     * absolute path, else {@code $HOME/.config/chat/known_servers}.
     *
     * @param env the environment ({@code System.getenv()})
     * @param userHome {@code user.home}, used when {@code HOME} is not set
     */
    public static Path defaultFile(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "chat", "known_servers");
        }
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : userHome, ".config", "chat", "known_servers");
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** How a server is written in the file: {@code host:port}, host lower-case, IPv6 in brackets. */
    public static String key(ServerAddress address) {
        return new ServerAddress(address.host().toLowerCase(Locale.ROOT), address.port()).toString();
    }

    /**
     * The first entry for {@code address}, or null when it is not known (or the file does not
     * exist). Malformed lines are skipped.
     */
    public Entry lookup(ServerAddress address) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        String key = key(address);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).strip().split("\\s+");
            if (f.length >= 2 && !f[0].startsWith("#") && f[0].equals(key) && CertificateFingerprint.isValid(f[1])) {
                return new Entry(f[1], i + 1);
            }
        }
        return null;
    }

    /**
     * Appends {@code address fingerprint}, creating the file (mode 0600, its directory 0700)
     * when needed. Does nothing when another client added an entry for the server meanwhile.
     *
     * @return the entry now in the file for the server
     */
    public Entry remember(ServerAddress address, String fingerprint) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ); FileLock lock = ch.lock()) {
            Entry existing = lookup(address);
            if (existing != null) {
                return existing;
            }
            long size = ch.size();
            if (size == 0) {
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
            }
            String text = (size == 0 ? HEADER : needsNewline(ch, size) ? "\n" : "") + key(address) + " " + fingerprint
                    + "\n";
            ch.position(size);
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        }
        return lookup(address);
    }

    private static boolean needsNewline(FileChannel ch, long size) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        ch.read(last, size - 1);
        return last.get(0) != '\n';
    }
}
