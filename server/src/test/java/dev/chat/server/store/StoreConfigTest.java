package dev.chat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

    @Test
    void defaultsAreSqliteInDataWithProcessDurability() {
        StoreConfig c = StoreConfig.defaults();
        assertThat(c.kind()).isEqualTo(StoreConfig.Kind.SQLITE);
        assertThat(c.databaseFile()).isEqualTo(Path.of("./data/chat.db"));
        assertThat(c.durability()).isEqualTo(Durability.PROCESS);
        assertThat(c.historyMaxPerRoom()).isEqualTo(10_000);
        assertThat(c.pruneByAge()).isFalse();
        assertThat(c.describe()).isEqualTo("sqlite ./data/chat.db");
    }

    @Test
    void postgresUrlsAreParsedAndNeverShownWithTheirPassword() {
        StoreConfig c = StoreConfig.defaults().withStore("postgresql://chat:s3cr%40t@db.lan:5433/chat");
        assertThat(c.kind()).isEqualTo(StoreConfig.Kind.POSTGRESQL);
        assertThat(c.postgres().getPassword()).isEqualTo("s3cr@t");
        assertThat(c.postgres().getPort()).isEqualTo(5433);
        assertThat(c.describe()).isEqualTo("postgresql://chat@db.lan:5433/chat");
        assertThat(StoreConfig.defaults().withStore("postgres://u:p@h/d").kind()).isEqualTo(StoreConfig.Kind.POSTGRESQL);
    }

    @Test
    void badValuesGetOneLineMessages() {
        assertThatThrownBy(() -> StoreConfig.defaults().withStore("mysql://root:hunter2@x/y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("store must be memory, sqlite or postgresql://user:password@host:port/db,"
                        + " not 'mysql://root:***@x/y'");
        assertThatThrownBy(() -> StoreConfig.defaults().withStore("postgresql://u:hunter2@host:notaport/db"))
                .hasMessageNotContaining("hunter2").hasMessageContaining("not a PostgreSQL URL");
        assertThatThrownBy(() -> StoreConfig.defaults().withHistoryMaxPerRoom(0))
                .hasMessage("history max per room must be at least 1, not 0");
        assertThatThrownBy(() -> Durability.parse("always")).hasMessage("durability must be process or fsync, not 'always'");
        assertThat(Durability.parse("FSYNC")).isEqualTo(Durability.FSYNC);
    }

    @Test
    void maxAgeTakesDaysDurationsAndOff() {
        assertThat(StoreConfig.parseMaxAge("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(StoreConfig.parseMaxAge("12h")).isEqualTo(Duration.ofHours(12));
        assertThat(StoreConfig.parseMaxAge("off")).isZero();
        assertThat(StoreConfig.parseMaxAge("0")).isZero();
        assertThatThrownBy(() -> StoreConfig.parseMaxAge("a month"))
                .hasMessage("'a month' is not an age (write e.g. 30d, 12h, or off)");
        assertThat(StoreConfig.defaults().withHistoryMaxAge(Duration.ofDays(1)).pruneByAge()).isTrue();
    }
}
