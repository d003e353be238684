package dev.chat.server.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link PostgresServer}: one private cluster for the whole test run, started on
 * first use and stopped (its directory deleted) when the run ends. Without PostgreSQL installed
 * the tests are skipped with a message, except under {@code CI=true}, where they fail.
 */
public final class PostgresExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == PostgresServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        Optional<Path> bin = PostgresServer.installed();
        if (bin.isEmpty()) {
            String why = "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb):"
                    + " apt-get install postgresql to run the PostgreSQL store tests";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return e.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(PostgresServer.class, k -> {
                    try {
                        return PostgresServer.start(bin.get());
                    } catch (Exception ex) {
                        throw new IllegalStateException("cannot start a private PostgreSQL: " + ex.getMessage(), ex);
                    }
                }, PostgresServer.class);
    }
}
