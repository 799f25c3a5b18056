package io.steelthread.pipeline.hive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import org.springframework.core.io.DefaultResourceLoader;

class DdlScriptTest {

    final DefaultResourceLoader loader = new DefaultResourceLoader();

    @Test
    void rendersDatabaseAndLocationAndListsTheColumns() {
        DdlScript ddl = DdlScript.load(loader, "classpath:ddl/", "purchases", "games", "file:///data/warehouse/purchases");
        assertThat(ddl.sql()).startsWith("CREATE EXTERNAL TABLE IF NOT EXISTS games.purchases (")
                .contains("LOCATION 'file:///data/warehouse/purchases'").doesNotContain("${").doesNotContain("--");
        assertThat(ddl.columns()).startsWith("accept", "host", "user-agent", "event_type", "timestamp")
                .contains("attributes", "kafka_offset").endsWith("event_date", "event_hour").doesNotHaveDuplicates();
    }

    @Test
    void aLocationWithOrWithoutItsSlashFindsTheScript() {
        assertThat(DdlScript.load(loader, "classpath:ddl", "purchases", "games", "file:///a").columns()).contains("host");
        assertThat(DdlScript.load(loader, "classpath:ddl/", "purchases", "games", "file:///a").columns()).contains("host");
    }

    @Test
    void settingsCannotInjectSql() {
        assertThatThrownBy(() -> DdlScript.load(loader, "classpath:ddl/", "purchases", "games; DROP TABLE x", "file:///a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DdlScript.load(loader, "classpath:ddl/", "purchases", "games", "file:///a' --"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
