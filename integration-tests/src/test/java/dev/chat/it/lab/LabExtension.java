package dev.chat.it.lab;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives container tests the shared {@link ComposeLab}: started once per test JVM by the first
 * class that needs it (after checking for a Docker engine: skip, or fail under CI), closed by
 * JUnit when every test has run. A failed test gets every container's log saved under
 * target/it-logs. If the LAN cannot start, every later class fails at once with that cause
 * instead of trying again.
 */
public final class LabExtension implements BeforeAllCallback, ParameterResolver, TestWatcher {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LabExtension.class);

    /** The lab, or why it could not start; JUnit closes it with the root context. */
    private static final class Startup implements AutoCloseable {
        final ComposeLab lab;
        final RuntimeException failure;

        Startup(ComposeLab lab, RuntimeException failure) {
            this.lab = lab;
            this.failure = failure;
        }

        @Override
        public void close() {
            if (lab != null) {
                lab.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        DockerEngine docker = DockerEngine.require();
        Startup startup = context.getRoot().getStore(NS).getOrComputeIfAbsent(Startup.class, k -> {
            try {
                return new Startup(ComposeLab.start(docker, root(), target()), null);
            } catch (RuntimeException e) {
                return new Startup(null, e);
            }
        }, Startup.class);
        if (startup.failure != null) {
            throw new IllegalStateException("the test LAN could not start", startup.failure);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ComposeLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return lab(context);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Startup startup = context.getRoot().getStore(NS).get(Startup.class, Startup.class);
        if (startup != null && startup.lab != null) {
            startup.lab.saveLogs(context.getRequiredTestClass().getSimpleName() + "-" + context.getDisplayName());
        }
    }

    private static ComposeLab lab(ExtensionContext context) {
        Startup startup = context.getRoot().getStore(NS).get(Startup.class, Startup.class);
        if (startup == null || startup.lab == null) {
            throw new IllegalStateException("the test LAN is not running");
        }
        return startup.lab;
    }

    /** The repository root (set by failsafe; the working directory's parent otherwise). */
    static Path root() {
        return Optional.ofNullable(System.getProperty("chat.root")).map(Path::of)
                .orElse(Path.of("").toAbsolutePath().getParent()).toAbsolutePath().normalize();
    }

    static Path target() {
        return Optional.ofNullable(System.getProperty("chat.it.target")).map(Path::of)
                .orElse(root().resolve("integration-tests/target")).toAbsolutePath().normalize();
    }
}
