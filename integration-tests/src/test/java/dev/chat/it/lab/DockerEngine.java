package dev.chat.it.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine and the compose command the tests drive. Where there is no engine the
 * container tests are skipped with a clear message, except under {@code CI=true}: CI starts an
 * engine (.ci/run), so a missing one there is a failure, not a silent skip.
 */
public final class DockerEngine {
    private static final Duration QUICK = Duration.ofSeconds(30);

    private final List<String> compose;
    private final String serverVersion;

    private DockerEngine(List<String> compose, String serverVersion) {
        this.compose = compose;
        this.serverVersion = serverVersion;
    }

    /** The engine, or a skip (a failure under {@code CI=true}) saying what is missing and how to get it. */
    public static DockerEngine require() {
        String problem = null;
        List<String> compose = null;
        String version = null;
        Command.Result info = tryRun(List.of("docker", "info", "--format", "{{.ServerVersion}}"));
        if (info == null) {
            problem = "no docker command (Debian: apt-get install docker.io docker-compose)";
        } else if (!info.ok() || info.out().isBlank()) {
            problem = "no Docker engine answers (start one: dockerd --storage-driver=overlay2 &; .ci/run does): "
                    + Command.tail(info.err().strip(), 2);
        } else {
            version = info.out().strip();
            compose = composeCommand();
            Command.Result chain = tryRun(List.of("iptables", "-S", "DOCKER-USER"));
            if (compose == null) {
                problem = "no docker-compose and no 'docker compose' plugin (Debian: apt-get install docker-compose)";
            } else if (chain == null || !chain.ok()) {
                problem = "cannot read iptables chain DOCKER-USER (the tests must run as root next to the engine, "
                        + "to let multicast pass on their internal network)";
            }
        }
        if (problem != null) {
            String message = "container integration tests need Docker: " + problem;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " [CI=true: a missing engine is a failure]");
            }
            // printed as well: Maven's summary of a class skipped in @BeforeAll does not show the reason
            System.err.println("[chat-it] SKIPPED: " + message + " (under CI=true this fails)");
            Assumptions.abort(message + " (skipped; under CI=true this fails)");
        }
        return new DockerEngine(compose, version);
    }

    /** {@code docker compose} (v2) where the plugin exists, else {@code docker-compose} (v1). */
    private static List<String> composeCommand() {
        Command.Result v2 = tryRun(List.of("docker", "compose", "version"));
        if (v2 != null && v2.ok()) {
            return List.of("docker", "compose");
        }
        Command.Result v1 = tryRun(List.of("docker-compose", "version"));
        return v1 != null && v1.ok() ? List.of("docker-compose") : null;
    }

    private static Command.Result tryRun(List<String> cmd) {
        try {
            return Command.run(QUICK, cmd);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The compose command followed by {@code args}. */
    public List<String> compose(List<String> args) {
        List<String> cmd = new ArrayList<>(compose);
        cmd.addAll(args);
        return cmd;
    }

    /** {@code docker args...}, which must succeed within {@code timeout}. */
    public Command.Result docker(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(List.of(args));
        return Command.run(timeout, cmd).orThrow();
    }

    /** {@code docker args...}, whatever its exit code. */
    public Command.Result dockerMaybe(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(List.of(args));
        return Command.run(timeout, cmd);
    }

    public String serverVersion() {
        return serverVersion;
    }

    @Override
    public String toString() {
        return "Docker engine " + serverVersion + " with " + String.join(" ", compose);
    }
}
