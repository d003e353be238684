package dev.chat.client.it;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shaded jars are; failsafe passes the paths (see client-cli/pom.xml). */
final class Jars {
    private Jars() {
    }

    static Path server() {
        return find("chat.server.jar", "server/target/chat-server.jar", "mvn -B -pl server -am package -DskipTests");
    }

    static Path client() {
        return find("chat.client.jar", "client-cli/target/chat-client.jar", "mvn -B -pl client-cli -am package");
    }

    private static Path find(String property, String fallback, String build) {
        String configured = System.getProperty(property);
        Path jar = configured != null ? Path.of(configured) : Path.of("..").resolve(fallback);
        if (!Files.isRegularFile(jar)) {
            fail("missing " + jar.toAbsolutePath().normalize() + ": build it first (" + build
                    + "), or run the integration tests through 'mvn verify'");
        }
        return jar.toAbsolutePath().normalize();
    }

    /** The java launcher running these tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
