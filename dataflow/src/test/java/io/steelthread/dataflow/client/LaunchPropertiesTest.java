package io.steelthread.dataflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;

import io.steelthread.dataflow.model.Definitions;
import org.junit.jupiter.api.Test;

class LaunchPropertiesTest {

    private final Definitions definitions = new Definitions(List.of(), List.of(), List.of(),
            Map.of("deployer.pipeline-task.local.javaOpts", "-Xmx512m"), List.of());

    @Test
    void aTaskGetsItsAppsDeployerProperties() {
        Definitions.Task task = new Definitions.Task("t", "pipeline-task", "pipeline-task", "tasks.dsl", List.of());
        assertThat(PipelineClient.launchProperties(definitions, task))
                .containsExactly(entry("deployer.pipeline-task.local.javaOpts", "-Xmx512m"));
    }

    @Test
    void aFlowGivesThemToEachChildRunningThatAppAddressedAsDataFlowAddressesFlowChildren() {
        Definitions.Task flow = new Definitions.Task("batch-flow", "…", "…", "tasks.dsl",
                List.of(new Definitions.FlowChild("extract", "pipeline-task"), new Definitions.FlowChild("wait", "probe"),
                        new Definitions.FlowChild("ddl", "pipeline-task")));
        assertThat(PipelineClient.launchProperties(definitions, flow)).containsOnly(
                entry("deployer.batch-flow.extract.local.javaOpts", "-Xmx512m"),
                entry("deployer.batch-flow.ddl.local.javaOpts", "-Xmx512m"));
    }
}
