package dev.chat.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.protocol.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionParsingTest {
    @Test
    void durations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.parse("0")).isZero();
        assertThatThrownBy(() -> Durations.parse("30")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("not a duration");
    }

    @Test
    void sizes() {
        assertThat(Sizes.parse("65536")).isEqualTo(65536);
        assertThat(Sizes.parse("64k")).isEqualTo(65536);
        assertThat(Sizes.parse("1MiB")).isEqualTo(1 << 20);
        assertThatThrownBy(() -> Sizes.parse("9999999999")).hasMessageContaining("too large");
        assertThatThrownBy(() -> Sizes.parse("lots")).hasMessageContaining("not a size");
    }
}
