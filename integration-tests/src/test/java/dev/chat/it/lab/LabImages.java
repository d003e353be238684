package dev.chat.it.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The images a test LAN runs, built from what Maven just built, with no registry: the base JRE
 * image ({@code chat-base:local}, by integration-tests/docker/build-base-image.sh, reused while
 * its inputs are unchanged), the product image from the repository's {@code Dockerfile} on it,
 * and the lab image (product image + the actors jar). The last two are per run and labelled
 * with the run's project, so a later run can remove them if this one dies.
 */
public final class LabImages {
    /** The locally built JRE image passed as the Dockerfile's {@code BASE_IMAGE}. */
    public static final String BASE_IMAGE = "chat-base:local";
    /** Label carrying the compose project of the run that built an image. */
    public static final String PROJECT_LABEL = "dev.chat.it.project";

    private final String chat;
    private final String lab;

    private LabImages(String chat, String lab) {
        this.chat = chat;
        this.lab = lab;
    }

    /** Builds (or reuses) the base image, then this run's product and lab images. */
    public static LabImages build(DockerEngine docker, Path root, Path target, String project) {
        Path server = root.resolve("server/target/chat-server.jar");
        Path client = root.resolve("client-cli/target/chat-client.jar");
        Path tools = root.resolve("tools/target/chat-tools.jar");
        Path actors = target.resolve("chat-it-actors.jar");
        for (Path jar : List.of(server, client, tools, actors)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("missing " + jar + ": run the tests through Maven (mvn -B verify), "
                        + "which packages every jar before the integration tests");
            }
        }
        List<String> base = new ArrayList<>(List.of("bash", root.resolve("integration-tests/docker/build-base-image.sh").toString(),
                BASE_IMAGE, target.resolve("chat-base").toString()));
        for (Path jar : List.of(server, client, tools, actors)) {
            base.add(jar.toString());
        }
        Command.run(Duration.ofMinutes(5), base).orThrow();

        String chat = "chat-it:" + project;
        docker.docker(Duration.ofMinutes(3), "build", "-q", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE,
                "--label", PROJECT_LABEL + "=" + project, "-t", chat, root.toString());

        Path context = target.resolve("lab-context");
        try {
            Files.createDirectories(context);
            Files.copy(actors, context.resolve("chat-it-actors.jar"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(root.resolve("integration-tests/docker/lab.Dockerfile"), context.resolve("Dockerfile"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String lab = "chat-it-lab:" + project;
        docker.docker(Duration.ofMinutes(3), "build", "-q", "--build-arg", "CHAT_IMAGE=" + chat,
                "--label", PROJECT_LABEL + "=" + project, "-t", lab, context.toString());
        return new LabImages(chat, lab);
    }

    /** The product image: the repository's Dockerfile on {@link #BASE_IMAGE}. */
    public String chat() {
        return chat;
    }

    /** The lab image: product image + actors jar. */
    public String lab() {
        return lab;
    }
}
