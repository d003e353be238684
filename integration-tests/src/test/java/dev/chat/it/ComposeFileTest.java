package dev.chat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.chat.client.ClientMain;
import dev.chat.server.ServerMain;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks docker-compose.yml, the tests' overlay and the Dockerfile against what the server
 * accepts, without Docker: every {@code CHAT_*} variable names a real server option whose
 * default reads that variable, and its value parses; the cluster members are the nodes; the
 * health checks ask {@code /health}; the image copies the jars Maven builds.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of(System.getProperty("chat.root",
            Path.of("").toAbsolutePath().getParent().toString())).toAbsolutePath().normalize();
    private static final List<String> NODES = List.of("chat1", "chat2", "chat3");
    /** Non-CHAT variables a service may set: the JVM's own. */
    private static final List<String> JVM_VARIABLES = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS");

    @Test
    void composeFileIsVersion24WithThreeNodesAClientAndOneNetwork() throws IOException {
        Map<String, Object> compose = yaml("docker-compose.yml");
        assertThat(compose.get("version")).as("format both docker-compose 1.29 and Compose v2 read").isEqualTo("2.4");
        assertThat(map(compose, "services")).containsKeys("chat1", "chat2", "chat3", "client");
        assertThat(map(compose, "networks")).containsOnlyKeys("chatlan");
        for (String service : map(compose, "services").keySet()) {
            Map<String, Object> s = map(map(compose, "services"), service);
            assertThat(s.get("networks")).as(service + " networks").isEqualTo(List.of("chatlan"));
            assertThat(s.get("init")).as(service + " runs under an init that forwards SIGTERM").isEqualTo(true);
            assertThat(String.valueOf(s.get("image"))).as(service + " image").contains("${CHAT_IMAGE");
            assertThat(map(map(s, "build"), "args")).as(service + " build args").containsKey("BASE_IMAGE");
            assertThat(s).as(service + " publishes nothing on the host").doesNotContainKey("ports");
        }
    }

    @Test
    void everyServerVariableIsAServerOptionThatReadsItAndItsValueParses() throws IOException {
        Map<String, Object> services = map(yaml("docker-compose.yml"), "services");
        for (String node : NODES) {
            Map<String, Object> env = map(map(services, node), "environment");
            assertThat(env).as(node + " environment").isNotEmpty();
            assertServerAccepts(node, env);
            assertThat(env.get("CHAT_NAME")).as(node + " name").isEqualTo(node);
            assertThat(env.get("CHAT_CLUSTER")).as(node + " clustered").isEqualTo("true");
        }
    }

    @Test
    void clusterMembersAreTheThreeNodesOnTheirClusterPortAndEachAdvertisesItsName() throws IOException {
        Map<String, Object> services = map(yaml("docker-compose.yml"), "services");
        for (String node : NODES) {
            Map<String, Object> env = map(map(services, node), "environment");
            String port = String.valueOf(env.getOrDefault("CHAT_CLUSTER_PORT", "5701"));
            List<String> members = List.of(String.valueOf(env.get("CHAT_CLUSTER_MEMBERS")).split(","));
            assertThat(members).as(node + " members").containsExactlyInAnyOrderElementsOf(
                    NODES.stream().map(n -> n + ":" + port).toList());
            assertThat(env.get("CHAT_CLUSTER_HOST")).as(node + " advertises its own name on the LAN").isEqualTo(node);
            assertThat(map(services, node).get("hostname")).as(node + " hostname").isEqualTo(node);
        }
    }

    @Test
    void nodesAreHealthCheckedOnHealthAndTheClientWaitsForThem() throws IOException {
        Map<String, Object> services = map(yaml("docker-compose.yml"), "services");
        for (String node : NODES) {
            Map<String, Object> hc = map(map(services, node), "healthcheck");
            String test = String.join(" ", strings(hc.get("test")));
            assertThat(test).as(node + " health check").contains("http://127.0.0.1:7422/health");
            Map<String, Object> env = map(map(services, node), "environment");
            assertThat(env.getOrDefault("CHAT_HTTP_PORT", "7422")).as(node + " HTTP port the check asks").isEqualTo("7422");
            assertThat(hc).containsKeys("interval", "timeout", "retries", "start_period");
        }
        Map<String, Object> client = map(services, "client");
        assertThat(strings(client.get("entrypoint"))).as("client entrypoint").contains("/opt/chat/chat-client.jar");
        for (String node : NODES) {
            assertThat(map(map(client, "depends_on"), node)).as("client waits for " + node)
                    .containsEntry("condition", "service_healthy");
        }
    }

    @Test
    void clientServiceRunsTheClientJarWithOptionsItAccepts() throws IOException {
        Map<String, Object> client = map(map(yaml("docker-compose.yml"), "services"), "client");
        List<String> args = strings(client.get("command"));
        assertThat(args).as("the client service finds the servers itself").contains("--discover");
        java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
        java.io.PrintStream quiet = new java.io.PrintStream(sink, true, java.nio.charset.StandardCharsets.UTF_8);
        assertThatCode(() -> ClientMain.commandLine(java.io.InputStream.nullInputStream(), quiet, quiet, false)
                .parseArgs(args.toArray(String[]::new))).as("the client parses " + args).doesNotThrowAnyException();
    }

    @Test
    void testOverlayMakesTheNetworkInternalOnAPrivateSubnetAndItsVariablesAreServerOptions() throws IOException {
        Map<String, Object> overlay = yaml("integration-tests/docker/it-lan.yml");
        assertThat(overlay.get("version")).isEqualTo("2.4");
        Map<String, Object> lan = map(map(overlay, "networks"), "chatlan");
        assertThat(lan.get("internal")).as("test LAN is internal: nothing reaches outside").isEqualTo(true);
        assertThat(map(lan, "driver_opts")).containsKey("com.docker.network.bridge.name");
        List<Object> ipam = list(map(lan, "ipam").get("config"));
        assertThat(ipam).hasSize(1);
        Map<String, Object> services = map(overlay, "services");
        assertThat(services).containsKey("lab");
        for (String node : NODES) {
            Map<String, Object> env = map(map(services, node), "environment");
            Map<String, Object> sample = new java.util.LinkedHashMap<>();
            env.forEach((k, v) -> sample.put(k, sampleValue(k)));
            assertServerAccepts(node + " (overlay)", sample);
        }
    }

    @Test
    void tlsOverlayGivesEveryNodeTheMountedCertificateAndTurnsOnClusterTls() throws IOException {
        Map<String, Object> overlay = yaml("integration-tests/docker/it-tls.yml");
        assertThat(overlay.get("version")).isEqualTo("2.4");
        Map<String, Object> services = map(overlay, "services");
        assertThat(services).as("only the nodes change").containsOnlyKeys(NODES.toArray(String[]::new));
        Map<String, Object> base = map(yaml("docker-compose.yml"), "services");
        for (String node : NODES) {
            Map<String, Object> env = map(map(services, node), "environment");
            assertServerAccepts(node + " (TLS overlay)", env);
            assertThat(env.get("CHAT_CLUSTER_TLS")).as(node + ": TLS on the event bus").isEqualTo("true");
            List<String> volumes = strings(map(services, node).get("volumes"));
            assertThat(volumes).as(node + " volumes").hasSize(1);
            String[] mount = volumes.get(0).split(":");
            assertThat(mount).as(node + ": the harness's directory, read-only").hasSize(3);
            assertThat(mount[0]).isEqualTo("${IT_TLS_DIR}");
            assertThat(mount[2]).isEqualTo("ro");
            for (String file : List.of("CHAT_TLS_CERT", "CHAT_TLS_KEY")) {
                assertThat(String.valueOf(env.get(file))).as(node + " " + file + " is in the mounted directory")
                        .startsWith(mount[1] + "/");
            }
            Map<String, Object> baseEnv = map(map(base, node), "environment");
            assertThat(baseEnv.get("CHAT_TLS_PORT")).as(node + " has a TLS port for the clients").isNotEqualTo("off");
            assertThat(baseEnv.get("CHAT_TCP_PORT")).as(node + " keeps its plaintext port").isNotEqualTo("off");
        }
    }

    @Test
    void dockerfileTakesABaseImageAndCopiesTheJarsMavenBuilds() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).containsPattern("(?m)^ARG BASE_IMAGE=\\S+")
                .containsPattern("(?m)^FROM \\$\\{BASE_IMAGE}\\s*$")
                .containsPattern("(?m)^HEALTHCHECK .*(\\R.*)*/health");
        List<String> copied = new ArrayList<>();
        Matcher copy = Pattern.compile("(?m)^COPY (.+) /opt/chat/\\s*$").matcher(dockerfile);
        while (copy.find()) {
            copied.addAll(List.of(copy.group(1).trim().split("\\s+")));
        }
        assertThat(copied).containsExactlyInAnyOrder("server/target/chat-server.jar",
                "client-cli/target/chat-client.jar", "tools/target/chat-tools.jar");
        assertThat(dockerfile).contains("\"-jar\", \"/opt/chat/chat-server.jar\"");
        // the build context is only what COPY needs
        List<String> dockerignore = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
        assertThat(dockerignore).containsExactlyInAnyOrderElementsOf(copied);
        // the shaded jars are what the modules build
        for (String jar : copied) {
            String module = jar.substring(0, jar.indexOf('/'));
            String finalName = jar.substring(jar.lastIndexOf('/') + 1).replace(".jar", "");
            // the parent POM's shade execution names the jar after each module's chat.jar property
            assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<finalName>${chat.jar}</finalName>");
            assertThat(Files.readString(ROOT.resolve(module).resolve("pom.xml")))
                    .as(module + " builds " + jar).contains("<chat.jar>" + finalName + "</chat.jar>");
        }
    }

    /** Each CHAT_* variable is an option whose default reads it; all values parse together. */
    private static void assertServerAccepts(String where, Map<String, Object> env) {
        // raw defaults: with interpolation off picocli shows the ${env:...} expressions themselves
        CommandLine cl = new CommandLine(new ServerMain()).setInterpolateVariables(false);
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, Object> e : env.entrySet()) {
            String name = e.getKey();
            if (JVM_VARIABLES.contains(name)) {
                continue;
            }
            assertThat(name).as(where + ": variable " + name).startsWith("CHAT_");
            String optionName = "--" + name.substring("CHAT_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
            OptionSpec option = cl.getCommandSpec().findOption(optionName);
            assertThat(option).as(where + ": " + name + " must be a server option " + optionName).isNotNull();
            assertThat(option.defaultValue()).as(where + ": " + optionName + " reads " + name)
                    .contains("${env:" + name);
            String value = String.valueOf(e.getValue());
            if (option.typeInfo().isBoolean()) {
                args.add(optionName + "=" + value);
            } else {
                args.add(optionName);
                args.add(value);
            }
        }
        assertThatCode(() -> new CommandLine(new ServerMain()).parseArgs(args.toArray(String[]::new)))
                .as(where + ": the server parses " + args).doesNotThrowAnyException();
    }

    /** What the harness puts in the overlay's ${IT_*} variables, for the parse check. */
    private static String sampleValue(String variable) {
        return switch (variable) {
            case "CHAT_HELLO_TIMEOUT" -> "3s";
            case "CHAT_BEACON_INTERVAL" -> "1s";
            case "CHAT_MAX_CONNECTIONS_PER_IP", "CHAT_MAX_PENDING_PER_IP" -> "1000";
            default -> throw new AssertionError("overlay sets " + variable + ": add its sample value here");
        };
    }

    private static Map<String, Object> yaml(String file) throws IOException {
        try (Reader r = Files.newBufferedReader(ROOT.resolve(file))) {
            return new Yaml().load(r);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object v = parent.get(key);
        assertThat(v).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v) {
        assertThat(v).isInstanceOf(List.class);
        return (List<Object>) v;
    }

    private static List<String> strings(Object v) {
        return list(v).stream().map(String::valueOf).toList();
    }
}
