package io.steelthread.flows.scheduler;

import com.cronutils.mapper.CronMapper;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import org.quartz.CronExpression;

/**
 * Data Flow users write cron the way Kubernetes CronJobs and the dashboard's examples do: five fields
 * ({@code 5 * * * *}, minute first). Quartz wants its own form (seconds first, {@code ?} in one of the day fields,
 * Sunday = 1); cron-utils maps one to the other. Six or seven fields are taken as Quartz's form already.
 */
final class CronExpressions {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private CronExpressions() {
    }

    static String toQuartz(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("no cron expression: give scheduler.cron.expression, e.g. "
                    + "scheduler.cron.expression=5 * * * *");
        }
        String trimmed = expression.trim();
        String quartz;
        if (trimmed.split("\\s+").length == 5) {
            try {
                quartz = CronMapper.fromUnixToQuartz().map(UNIX.parse(trimmed)).asString();
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + trimmed + "' is not a cron expression: " + e.getMessage(), e);
            }
        }
        else {
            quartz = trimmed;
        }
        if (!CronExpression.isValidExpression(quartz)) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a cron expression (five fields: minute hour "
                    + "day-of-month month day-of-week)");
        }
        return quartz;
    }
}
