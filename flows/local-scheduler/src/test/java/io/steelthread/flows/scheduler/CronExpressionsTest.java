package io.steelthread.flows.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;

import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

class CronExpressionsTest {

    /** The next firing after {@code from} of a five-field expression, as Quartz computes it in UTC. */
    private static Instant next(String unix, String from) throws ParseException {
        CronExpression quartz = new CronExpression(CronExpressions.toQuartz(unix));
        quartz.setTimeZone(TimeZone.getTimeZone("UTC"));
        return quartz.getNextValidTimeAfter(Date.from(Instant.parse(from))).toInstant();
    }

    @Test
    void fiveFieldsFireWhenUnixCronWould() throws ParseException {
        assertThat(next("5 * * * *", "2026-11-25T13:07:00Z")).isEqualTo("2026-11-25T14:05:00Z");
        assertThat(next("0 * * * *", "2026-11-25T13:00:00Z")).isEqualTo("2026-11-25T14:00:00Z");
        assertThat(next("* * * * *", "2026-11-25T13:00:30Z")).isEqualTo("2026-11-25T13:01:00Z");
        // Day of week: unix counts Sunday as 0, Quartz as 1; 2026-11-30 is a Monday.
        assertThat(next("30 6 * * 1", "2026-11-25T00:00:00Z")).isEqualTo("2026-11-30T06:30:00Z");
        assertThat(next("0 0 1 * *", "2026-11-25T00:00:00Z")).isEqualTo("2026-12-01T00:00:00Z");
    }

    @Test
    void quartzFormIsTakenAsItIs() {
        assertThat(CronExpressions.toQuartz("0 0/5 * * * ?")).isEqualTo("0 0/5 * * * ?");
    }

    @Test
    void badExpressionsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> CronExpressions.toQuartz("61 * * * *")).hasMessageContaining("'61 * * * *'");
        assertThatThrownBy(() -> CronExpressions.toQuartz("every hour")).hasMessageContaining("not a cron expression");
        assertThatThrownBy(() -> CronExpressions.toQuartz(" ")).hasMessageContaining("scheduler.cron.expression");
    }
}
