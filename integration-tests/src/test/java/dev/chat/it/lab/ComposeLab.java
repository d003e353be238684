package dev.chat.it.lab;

import dev.chat.server.tls.CertificateException;
import dev.chat.server.tls.CertificateMaterial;
import dev.chat.server.tls.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A test LAN brought up from the repository's {@code docker-compose.yml} with
 * integration-tests/docker/it-lan.yml and it-tls.yml laid over it: the three server nodes and a
 * {@code lab} host on an internal network (a private test subnet; nothing in it can reach
 * outside), the real images built from what Maven just built. The cluster runs with TLS on: one
 * certificate made for the run ({@link #tlsFingerprint}) on every node's TLS ports and, with
 * {@code --cluster-tls}, on the event bus between the nodes; the plaintext ports stay open.
 * Tests act from the lab host ({@code docker exec}) or from extra containers on the same
 * network, as machines on that LAN would.
 *
 * <p>Every run has its own compose project ({@code chatit-<pid>-<random>}), subnet and bridge;
 * {@link #close} removes all of it (also from a shutdown hook), and {@link #start} first removes
 * what runs whose process is gone left behind.
 */
public final class ComposeLab implements AutoCloseable {
    public static final List<String> NODES = List.of("chat1", "chat2", "chat3");
    public static final String LAB = "lab";
    /** What the tests set in it-lan.yml: short hello timeout and beacon interval keep them fast. */
    public static final Duration HELLO_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration BEACON_INTERVAL = Duration.ofSeconds(1);

    private static final String PROJECT_PREFIX = "chatit-";
    private static final String BRIDGE_PREFIX = "chit";
    private static final String COMPOSE_PROJECT_LABEL = "com.docker.compose.project";
    private static final Duration HEALTHY_WITHIN = Duration.ofMinutes(3);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DockerEngine docker;
    private final Path root;
    private final Path logDir;
    private final Path tlsDir;
    private final String project;
    private final String bridge;
    private final LabImages images;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> containers = new HashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::teardown, "chat-it-teardown");
    private String tlsFingerprint;
    private String subnet;
    private String network;
    private boolean ruleInserted;

    private ComposeLab(DockerEngine docker, Path root, Path target, String project, String bridge, LabImages images) {
        this.docker = docker;
        this.root = root;
        this.logDir = target.resolve("it-logs");
        this.tlsDir = target.resolve("it-tls").resolve(project);
        this.project = project;
        this.bridge = bridge;
        this.images = images;
    }

    /**
     * Removes what dead earlier runs left, builds the images, brings the LAN up and waits until
     * every node reports healthy. On failure it saves the logs, tears down and throws.
     */
    public static ComposeLab start(DockerEngine docker, Path root, Path target) {
        removeLeftovers(docker);
        long pid = ProcessHandle.current().pid();
        String suffix = String.format("%04x", RANDOM.nextInt(0x10000));
        String project = PROJECT_PREFIX + pid + "-" + suffix;
        // at most 15 characters; the pid is recoverable from it for the leftover check
        String bridge = BRIDGE_PREFIX + suffix + Long.toHexString(pid);
        long t0 = System.nanoTime();
        LabImages images = LabImages.build(docker, root, target, project);
        long t1 = System.nanoTime();
        ComposeLab lab = new ComposeLab(docker, root, target, project, bridge, images);
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        long t2;
        try {
            lab.up();
            t2 = System.nanoTime();
            lab.awaitHealthy(NODES);
        } catch (RuntimeException | Error e) {
            lab.saveLogs("startup-failure");
            lab.close();
            throw e;
        }
        long t3 = System.nanoTime();
        System.err.printf("[chat-it] LAN %s up (subnet %s, %s): images %d ms, compose up %d ms, healthy after %d ms%n",
                project, lab.subnet, docker, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        return lab;
    }

    private void up() {
        env.put("CHAT_IMAGE", images.chat());
        env.put("BASE_IMAGE", LabImages.BASE_IMAGE);
        env.put("IT_LAB_IMAGE", images.lab());
        env.put("IT_BRIDGE", bridge);
        env.put("IT_HELLO_TIMEOUT", HELLO_TIMEOUT.toSeconds() + "s");
        env.put("IT_BEACON_INTERVAL", BEACON_INTERVAL.toSeconds() + "s");
        env.put("IT_TLS_DIR", writeCertificate().toString());
        // Docker's isolation of internal networks drops multicast (its destination is outside the
        // subnet); this lets the LAN's own traffic pass on its own bridge, and nothing else.
        Command.run(Duration.ofSeconds(30), List.of("iptables", "-I", "DOCKER-USER", "-i", bridge, "-o", bridge,
                "-j", "ACCEPT")).orThrow();
        ruleInserted = true;
        List<String> services = new ArrayList<>(NODES);
        services.add(LAB);
        RuntimeException last = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            subnet = "10.74." + RANDOM.nextInt(256) + ".0/24";
            env.put("IT_SUBNET", subnet);
            List<String> args = new ArrayList<>(List.of("up", "-d", "--no-build"));
            args.addAll(services);
            Command.Result r = compose(Duration.ofMinutes(3), args);
            if (r.ok()) {
                String listing = docker.docker(Duration.ofSeconds(30), "ps", "-a", "--no-trunc", "--filter",
                        "label=" + COMPOSE_PROJECT_LABEL + "=" + project,
                        "--format", "{{.ID}} {{.Label \"com.docker.compose.service\"}}").out();
                for (String line : listing.split("\\R")) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 2) {
                        containers.put(f[1], f[0]);
                    }
                }
                for (String s : services) {
                    if (!containers.containsKey(s)) {
                        throw new IllegalStateException("service " + s + " has no container after up: " + listing);
                    }
                }
                network = docker.docker(Duration.ofSeconds(30), "inspect", "-f",
                        "{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}", containers.get(LAB)).out().strip();
                return;
            }
            last = new IllegalStateException("compose up failed:\n" + Command.tail(r.err(), 30));
            compose(Duration.ofMinutes(2), List.of("down", "-v", "--remove-orphans", "-t", "2"));
            if (!r.err().contains("overlap")) {
                break;
            }
        }
        throw last;
    }

    /**
     * One certificate for every node (it-tls.yml mounts the directory read-only): a self-signed
     * ECDSA pair made as the server makes its own. Both files are readable by everyone: the
     * bind mount keeps the host's owner, and the image runs as an unprivileged user. A test key.
     */
    private Path writeCertificate() {
        try {
            CertificateMaterial cert = SelfSignedCertificate.generate("chat-it", NODES);
            Files.createDirectories(tlsDir);
            Files.writeString(tlsDir.resolve("cert.pem"), cert.chainPem(), StandardCharsets.US_ASCII);
            Files.writeString(tlsDir.resolve("key.pem"), cert.keyPem(), StandardCharsets.US_ASCII);
            for (Path p : List.of(tlsDir.resolve("cert.pem"), tlsDir.resolve("key.pem"))) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
            }
            tlsFingerprint = cert.fingerprint();
            return tlsDir.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateException e) {
            throw new IllegalStateException("cannot make the LAN's TLS certificate", e);
        }
    }

    /** The {@code SHA256:...} fingerprint of the certificate every node shows (for {@code --tls-fingerprint}). */
    public String tlsFingerprint() {
        return tlsFingerprint;
    }

    /** Waits until each service's health check passes; fails at once if one stops. */
    public void awaitHealthy(List<String> services) {
        List<String> waiting = new ArrayList<>();
        try {
            Awaitility.await("healthy: " + services).atMost(HEALTHY_WITHIN).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        waiting.clear();
                        for (String s : services) {
                            String state = docker.docker(Duration.ofSeconds(30), "inspect", "-f",
                                    "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", container(s))
                                    .out().strip();
                            if (state.startsWith("exited") || state.startsWith("dead")) {
                                throw new IllegalStateException(s + " stopped while starting (" + state + "):\n"
                                        + Command.tail(logs(s), 30));
                            }
                            if (!state.equals("running healthy")) {
                                waiting.add(s + " " + state);
                            }
                        }
                        return waiting.isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("not healthy within " + HEALTHY_WITHIN + ": " + waiting, e);
        }
    }

    /**
     * {@code docker compose run --rm -T --no-deps SERVICE args...}: a one-off container of a
     * compose service, exactly as a user runs it; returns when it exits.
     */
    public Command.Result composeRun(Duration timeout, String service, String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--rm", "-T", "--no-deps", service));
        cmd.addAll(List.of(args));
        return compose(timeout, cmd);
    }

    /** Container id of a compose service. */
    public String container(String service) {
        String id = containers.get(service);
        if (id == null) {
            throw new IllegalArgumentException("no service " + service + " in this LAN");
        }
        return id;
    }

    /** The compose network every container of this LAN is on. */
    public String network() {
        return network;
    }

    public LabImages images() {
        return images;
    }

    /** Runs {@code command} on the lab host ({@code docker exec -i}), feeding it {@code stdin}. */
    public Command.Result onLab(Duration timeout, byte[] stdin, String... command) {
        List<String> cmd = new ArrayList<>(List.of("docker", "exec", "-i", container(LAB)));
        cmd.addAll(List.of(command));
        return Command.run(timeout, cmd, Map.of(), stdin);
    }

    /** Starts {@code command} on the lab host ({@code docker exec -i}) without waiting for it. */
    public Command.Running startOnLab(String... command) {
        List<String> cmd = new ArrayList<>(List.of("docker", "exec", "-i", container(LAB)));
        cmd.addAll(List.of(command));
        return Command.start(cmd);
    }

    /**
     * Starts a host on the LAN: a container of the lab image running {@code command}, attached
     * ({@code docker run -i}): its stdin is the returned command's, its output is the command's.
     * The container is named {@code <project>-<name>} and goes with the LAN.
     */
    public Command.Running startHost(String name, String... command) {
        return startHost(name, 0, command);
    }

    /**
     * As {@link #startHost(String, String...)}, the host limited to {@code cpus} cores (0: no
     * limit): an attacker on another machine does not take the server's CPU, so on this one
     * machine it must not either.
     */
    public Command.Running startHost(String name, double cpus, String... command) {
        List<String> cmd = new ArrayList<>(List.of("docker", "run", "-i", "--rm", "--init", "--name", hostName(name),
                "--hostname", name, "--network", network, "--label", LabImages.PROJECT_LABEL + "=" + project,
                "--memory", "512m"));
        if (cpus > 0) {
            cmd.add("--cpus");
            cmd.add(String.valueOf(cpus));
        }
        cmd.addAll(List.of("--entrypoint", command[0], images.lab()));
        cmd.addAll(List.of(command).subList(1, command.length));
        return Command.start(cmd);
    }

    /**
     * Starts one more server node on the LAN ({@code docker run -d} of the product image, with
     * {@code variables} as its {@code CHAT_*} environment), reachable by the others as
     * {@code name}; it goes with the LAN. Returns its container name.
     */
    public String startServer(String name, Map<String, String> variables) {
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--init", "--name", hostName(name), "--hostname", name,
                "--network", network, "--network-alias", name, "--label", LabImages.PROJECT_LABEL + "=" + project,
                "--memory", "768m"));
        variables.forEach((k, v) -> {
            cmd.add("-e");
            cmd.add(k + "=" + v);
        });
        cmd.add(images.chat());
        docker.docker(Duration.ofMinutes(1), cmd.toArray(String[]::new));
        return hostName(name);
    }

    /** Stops and removes a server started with {@link #startServer} (SIGTERM: it leaves the cluster). */
    public void removeServer(String name) {
        docker.dockerMaybe(Duration.ofMinutes(1), "stop", "-t", "20", hostName(name));
        docker.dockerMaybe(Duration.ofMinutes(1), "rm", "-f", "-v", hostName(name));
    }

    /** The log of a host or server started with {@link #startHost} or {@link #startServer}. */
    public String hostLogs(String name) {
        Command.Result r = docker.dockerMaybe(Duration.ofMinutes(1), "logs", "--timestamps", hostName(name));
        return r.out() + r.err();
    }

    /** The container name of a host started with {@link #startHost}. */
    public String hostName(String name) {
        return project + "-" + name;
    }

    /** Sends {@code signal} to a host started with {@link #startHost} or to a compose service. */
    public void signal(String hostOrService, String signal) {
        String target = containers.getOrDefault(hostOrService, hostName(hostOrService));
        docker.docker(Duration.ofSeconds(30), "kill", "--signal", signal, target);
    }

    /** Starts a stopped or killed service's container again and waits until it is healthy. */
    public void restart(String service) {
        docker.docker(Duration.ofMinutes(1), "start", container(service));
        awaitHealthy(List.of(service));
    }

    /**
     * Stops every one of {@code services} ({@code docker stop}: SIGTERM, then SIGKILL after 30 s),
     * checks that none still runs, then starts them all again and waits until they are healthy:
     * a cluster restarted whole, no process of it left in between. The containers keep their
     * filesystems (their data directories) as {@code docker compose restart} does.
     */
    public void stopAllAndStart(List<String> services) {
        List<String> stop = new ArrayList<>(List.of("stop", "-t", "30"));
        services.forEach(s -> stop.add(container(s)));
        docker.docker(Duration.ofMinutes(2), stop.toArray(String[]::new));
        for (String s : services) {
            String state = docker.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Status}}", container(s))
                    .out().strip();
            if (!state.equals("exited")) {
                throw new IllegalStateException(s + " is " + state + " after docker stop, not exited");
            }
        }
        List<String> start = new ArrayList<>(List.of("start"));
        services.forEach(s -> start.add(container(s)));
        docker.docker(Duration.ofMinutes(1), start.toArray(String[]::new));
        awaitHealthy(services);
    }

    /** Runs {@code command} inside a compose service's container ({@code docker exec}); never throws on its exit code. */
    public Command.Result exec(String service, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", container(service)));
        args.addAll(List.of(command));
        return docker.dockerMaybe(Duration.ofSeconds(30), args.toArray(String[]::new));
    }

    /** {@code GET path} of a node's HTTP port from the lab host: what a monitor on the LAN sees, or null if it does not answer. */
    public String http(String node, String path) {
        Command.Result r = onLab(Duration.ofSeconds(30), null, "wget", "-q", "-O", "-", "http://" + node + ":7422" + path);
        return r.ok() ? r.out() : null;
    }

    /** The container's health status as Docker's health check sees it. */
    public String healthStatus(String service) {
        return docker.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.Health.Status}}", container(service))
                .out().strip();
    }

    /** Resident memory of the server JVM in a node, bytes (from /proc inside its container). */
    public long serverRssBytes(String node) {
        String out = docker.docker(Duration.ofSeconds(30), "exec", container(node), "sh", "-c",
                "grep VmRSS /proc/$(pidof java)/status").out();
        String kb = out.replaceAll("[^0-9]", "");
        return Long.parseLong(kb) * 1024;
    }

    /**
     * UDP datagrams the kernel of a node's network namespace dropped because the socket's
     * receive buffer was full (the server did not read fast enough): RcvbufErrors in /proc/net/snmp.
     */
    public long udpReceiveBufferErrors(String node) {
        String[] lines = docker.docker(Duration.ofSeconds(30), "exec", container(node), "cat", "/proc/net/snmp").out()
                .split("\\R");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Udp:") && lines[i + 1].startsWith("Udp:")) {
                List<String> names = List.of(lines[i].trim().split("\\s+"));
                String[] values = lines[i + 1].trim().split("\\s+");
                return Long.parseLong(values[names.indexOf("RcvbufErrors")]);
            }
        }
        throw new IllegalStateException("no Udp counters in /proc/net/snmp of " + node);
    }

    /** Whether the kernel killed the container for exceeding its memory limit. */
    public boolean oomKilled(String service) {
        return Boolean.parseBoolean(docker.docker(Duration.ofSeconds(30), "inspect", "-f", "{{.State.OOMKilled}}",
                container(service)).out().strip());
    }

    public String logs(String service) {
        Command.Result r = docker.dockerMaybe(Duration.ofMinutes(1), "logs", "--timestamps", container(service));
        return r.out() + r.err();
    }

    /** Writes every container's log to target/it-logs/{@code name}.log and returns the file. */
    public Path saveLogs(String name) {
        StringBuilder all = new StringBuilder();
        Command.Result r = compose(Duration.ofMinutes(1), List.of("logs", "--no-color", "--timestamps"));
        all.append(r.out()).append(r.err());
        // the hosts tests started themselves (compose's own containers carry the image's label too)
        Command.Result extra = docker.dockerMaybe(Duration.ofSeconds(30), "ps", "-a", "--filter",
                "label=" + LabImages.PROJECT_LABEL + "=" + project,
                "--format", "{{.ID}} {{.Label \"" + COMPOSE_PROJECT_LABEL + "\"}}");
        for (String line : extra.out().split("\\R")) {
            String id = line.strip();
            if (!id.isEmpty() && !id.contains(" ")) {
                Command.Result l = docker.dockerMaybe(Duration.ofSeconds(30), "logs", "--timestamps", id);
                all.append("\n== container ").append(id).append('\n').append(l.out()).append(l.err());
            }
        }
        try {
            Files.createDirectories(logDir);
            Path file = logDir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
            Files.writeString(file, all, StandardCharsets.UTF_8);
            System.err.println("[chat-it] container logs saved to " + file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Command.Result compose(Duration timeout, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("-p", project,
                "-f", root.resolve("docker-compose.yml").toString(),
                "-f", root.resolve("integration-tests/docker/it-lan.yml").toString(),
                "-f", root.resolve("integration-tests/docker/it-tls.yml").toString()));
        cmd.addAll(args);
        return Command.run(timeout, docker.compose(cmd), env, null);
    }

    @Override
    public void close() {
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or ran: teardown is idempotent
        }
    }

    private void teardown() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        if (!env.isEmpty()) {
            compose(Duration.ofMinutes(2), List.of("down", "-v", "--remove-orphans", "-t", "5"));
        }
        removeProject(docker, project);
        deleteTree(tlsDir);
        if (ruleInserted) {
            deleteRule(bridge);
        }
        System.err.printf("[chat-it] LAN %s torn down in %d ms%n", project, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Removes containers, networks and images of {@code project}, whatever made them. */
    private static void removeProject(DockerEngine docker, String project) {
        for (String label : List.of(COMPOSE_PROJECT_LABEL, LabImages.PROJECT_LABEL)) {
            String ids = docker.dockerMaybe(Duration.ofSeconds(30), "ps", "-aq", "--filter", "label=" + label + "=" + project)
                    .out().strip();
            if (!ids.isEmpty()) {
                List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
                args.addAll(List.of(ids.split("\\s+")));
                docker.dockerMaybe(Duration.ofMinutes(1), args.toArray(String[]::new));
            }
        }
        String nets = docker.dockerMaybe(Duration.ofSeconds(30), "network", "ls", "-q", "--filter",
                "label=" + COMPOSE_PROJECT_LABEL + "=" + project).out().strip();
        for (String id : nets.split("\\s+")) {
            if (!id.isBlank()) {
                docker.dockerMaybe(Duration.ofSeconds(30), "network", "rm", id);
            }
        }
        // the lab image is built on the product image: a parent goes only after its child, so
        // take what is left again until nothing is
        for (int pass = 0; pass < 3; pass++) {
            String imgs = docker.dockerMaybe(Duration.ofSeconds(30), "images", "-q", "--filter",
                    "label=" + LabImages.PROJECT_LABEL + "=" + project).out().strip();
            if (imgs.isEmpty()) {
                break;
            }
            for (String id : imgs.split("\\s+")) {
                docker.dockerMaybe(Duration.ofSeconds(30), "rmi", "-f", id);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // not there, or already gone: target/ is cleaned by the next build anyway
        }
    }

    private static void deleteRule(String bridge) {
        List<String> rule = List.of("-i", bridge, "-o", bridge, "-j", "ACCEPT");
        for (int i = 0; i < 10; i++) {
            List<String> cmd = new ArrayList<>(List.of("iptables", "-D", "DOCKER-USER"));
            cmd.addAll(rule);
            if (!Command.run(Duration.ofSeconds(30), cmd).ok()) {
                return;
            }
        }
    }

    /**
     * Removes what earlier runs left when their process is gone (killed, or a crashed JVM):
     * containers, networks and images of their projects, and their DOCKER-USER rules. Runs of
     * live processes (another checkout testing at the same time) are left alone.
     */
    static void removeLeftovers(DockerEngine docker) {
        List<String> projects = new ArrayList<>();
        for (String format : List.of("{{.Label \"" + COMPOSE_PROJECT_LABEL + "\"}}", "{{.Label \"" + LabImages.PROJECT_LABEL + "\"}}")) {
            projects.addAll(List.of(docker.dockerMaybe(Duration.ofSeconds(30), "ps", "-a", "--format", format).out().split("\\s+")));
        }
        projects.addAll(List.of(docker.dockerMaybe(Duration.ofSeconds(30), "network", "ls", "--format",
                "{{.Label \"" + COMPOSE_PROJECT_LABEL + "\"}}").out().split("\\s+")));
        projects.addAll(List.of(docker.dockerMaybe(Duration.ofSeconds(30), "images", "--format",
                "{{.Tag}}", "--filter", "label=" + LabImages.PROJECT_LABEL).out().split("\\s+")));
        projects.stream().distinct().filter(p -> p.startsWith(PROJECT_PREFIX)).filter(p -> !alive(pidOfProject(p)))
                .forEach(p -> {
                    System.err.println("[chat-it] removing leftovers of dead run " + p);
                    removeProject(docker, p);
                });
        String rules = Command.run(Duration.ofSeconds(30), List.of("iptables", "-S", "DOCKER-USER")).out();
        for (String line : rules.split("\\R")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].equals("-A") && f[2].equals("-i") && f[3].startsWith(BRIDGE_PREFIX)
                    && !alive(pidOfBridge(f[3]))) {
                deleteRule(f[3]);
            }
        }
    }

    private static long pidOfProject(String project) {
        String[] parts = project.substring(PROJECT_PREFIX.length()).split("-");
        try {
            return Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long pidOfBridge(String bridge) {
        try {
            return Long.parseLong(bridge.substring(BRIDGE_PREFIX.length() + 4), 16);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public String toString() {
        return "LAN " + project + " (" + subnet + ")";
    }
}
