package dev.chat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code ./chat} (the real script, in a copy of the repository's layout), with a
 * stand-in {@code mvn} that records how it was called and writes the jars, and a stand-in
 * {@code java}: the first command of any kind builds every jar in one Maven run, and says so.
 */
class LauncherTest {
    private static final Path SCRIPT = Path.of(System.getProperty("basedir", "."), "..", "chat");

    @TempDir
    Path repo;
    private Path bin;
    private Path mvnCalls;

    @BeforeEach
    void layout() throws IOException {
        Files.copy(SCRIPT, repo.resolve("chat"));
        executable(repo.resolve("chat"));
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        for (String module : List.of("protocol", "server", "client-cli", "tools")) {
            Path src = repo.resolve(module).resolve("src/Main.java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, "class Main {}");
            Files.setLastModifiedTime(src, FileTime.from(Instant.now().minusSeconds(3600)));
        }
        Files.setLastModifiedTime(repo.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(3600)));
        bin = Files.createDirectory(repo.resolve("fake-bin"));
        mvnCalls = repo.resolve("mvn-calls");
        // mvn: records its arguments, then "builds" the jars of the modules after -pl
        Files.writeString(bin.resolve("mvn"), """
                #!/usr/bin/env bash
                echo "$*" >> '%s'
                modules=""; prev=""
                for a in "$@"; do [ "$prev" = "-pl" ] && modules="$a"; prev="$a"; done
                for m in ${modules//,/ }; do
                  case "$m" in
                    server) mkdir -p server/target && touch server/target/chat-server.jar ;;
                    client-cli) mkdir -p client-cli/target && touch client-cli/target/chat-client.jar ;;
                    tools) mkdir -p tools/target && touch tools/target/chat-tools.jar ;;
                  esac
                done
                """.formatted(mvnCalls));
        Files.writeString(bin.resolve("java"), """
                #!/usr/bin/env bash
                case "$*" in
                  *-XshowSettings:properties*) echo "    java.specification.version = 17" >&2 ;;
                  *-version*) exit 1 ;;
                  *) echo "ran: ${@: -2}" ;;
                esac
                """);
        executable(bin.resolve("mvn"));
        executable(bin.resolve("java"));
    }

    @Test
    void theFirstCommandBuildsEveryJarInOneRunAndTheOthersStartAtOnce() throws Exception {
        Result first = chat("client", "--help");
        assertThat(first.code).isZero();
        assertThat(calls()).hasSize(1);
        assertThat(calls().get(0)).contains("-pl server,client-cli,tools -am").contains("package")
                .contains("-DskipTests");
        assertThat(first.err).contains("chat: first start: building every jar once, about a minute");
        assertThat(first.out).contains("ran: ").contains("--help");

        Result server = chat("server", "--help");
        Result impair = chat("impair", "--help");
        assertThat(server.err).isEmpty();
        assertThat(impair.err).isEmpty();
        assertThat(calls()).as("no second build").hasSize(1);

        // a change to the client's sources: only its jar is built again
        Path src = repo.resolve("client-cli/src/Main.java");
        Files.setLastModifiedTime(src, FileTime.from(Instant.now().plusSeconds(60)));
        Result again = chat("client", "--version");
        assertThat(calls()).hasSize(2);
        assertThat(calls().get(1)).contains("-pl client-cli -am");
        assertThat(again.err).contains("rebuilding client-cli").doesNotContain("first start");
    }

    private List<String> calls() throws IOException {
        return Files.exists(mvnCalls) ? Files.readAllLines(mvnCalls) : List.of();
    }

    private record Result(int code, String out, String err) {
    }

    private Result chat(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder();
        pb.command().add(repo.resolve("chat").toString());
        pb.command().addAll(List.of(args));
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.directory(repo.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
