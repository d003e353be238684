package dev.chat.tools.bench;

import dev.chat.protocol.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** picocli converter for durations, written as everywhere in the project: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. */
final class DurationOption implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
