package dev.chat.tools;

import dev.chat.protocol.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * picocli converter for the tools' durations (bench and impair), written as everywhere in the
 * project: {@code 0}, {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} ({@link Durations}).
 */
public final class DurationOption implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
