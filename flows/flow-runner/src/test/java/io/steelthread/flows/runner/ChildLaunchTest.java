package io.steelthread.flows.runner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChildLaunchTest {

    @Test
    void aChildGetsItsOwnPropertiesWithoutTheChildPrefixAndTheFlowsArgumentsSplitAsDataFlowSplitsThem() {
        ChildLaunch launch = ChildLaunch.of("flow-b",
                "app.flow-a.app.probe.probe.sleep=1s, app.flow-b.app.probe.probe.fail=true, "
                        + "deployer.flow-b.deployer.probe.local.javaOpts=-Xmx64m -Dx=1,2",
                "--a=1  --b=\"quoted\"", 42);
        assertThat(launch.properties()).containsExactly(
                org.assertj.core.api.Assertions.entry("app.probe.probe.fail", "true"),
                org.assertj.core.api.Assertions.entry("deployer.probe.local.javaOpts", "-Xmx64m -Dx=1,2"));
        assertThat(launch.arguments()).containsExactly("--a=1", "--b=quoted",
                "--spring.cloud.task.parent-execution-id=42");
    }

    @Test
    void nothingGivenOnlyTheParent() {
        ChildLaunch launch = ChildLaunch.of("flow-a", null, "", 7);
        assertThat(launch.properties()).isEmpty();
        assertThat(launch.arguments()).containsExactly("--spring.cloud.task.parent-execution-id=7");
    }
}
