package io.steelthread.flows.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.cloud.dataflow.rest.util.DeploymentPropertiesUtils;
import org.springframework.util.StringUtils;

/**
 * What one child is launched with: its share of the flow's launch properties and the arguments every child gets.
 * Data Flow hands the runner {@code app.<child>.app.<app>.k=v} and {@code deployer.<child>.deployer.<app>.k=v};
 * launching child {@code <child>} takes them without the {@code app.<child>.}/{@code deployer.<child>.} prefix.
 */
record ChildLaunch(Map<String, String> properties, List<String> arguments) {

    static ChildLaunch of(String child, String composedTaskProperties, String composedTaskArguments,
            long parentExecutionId) {
        Map<String, String> all = StringUtils.hasText(composedTaskProperties)
                ? DeploymentPropertiesUtils.parse(composedTaskProperties) : Map.of();
        Map<String, String> mine = new LinkedHashMap<>();
        all.forEach((key, value) -> {
            for (String kind : List.of("app.", "deployer.")) {
                String prefix = kind + child + ".";
                if (key.startsWith(prefix)) {
                    mine.put(key.substring(prefix.length()), value);
                }
            }
        });
        List<String> arguments = new ArrayList<>();
        if (StringUtils.hasText(composedTaskArguments)) {
            arguments.addAll(DeploymentPropertiesUtils.removeQuoting(
                    DeploymentPropertiesUtils.parseArgumentList(composedTaskArguments, " ")));
        }
        // The link Data Flow shows between a flow's execution and its children's.
        arguments.add("--spring.cloud.task.parent-execution-id=" + parentExecutionId);
        return new ChildLaunch(mine, arguments);
    }
}
