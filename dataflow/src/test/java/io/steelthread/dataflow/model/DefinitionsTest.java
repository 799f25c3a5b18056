package io.steelthread.dataflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.cloud.dataflow.core.dsl.TaskParser;

class DefinitionsTest {

    @TempDir
    Path dir;

    private Definitions load(String tasks, String schedules) throws IOException {
        Files.writeString(dir.resolve("apps.properties"), "task.pipeline-task=file:///p.jar\ntask.probe=file:///probe.jar\n");
        Files.writeString(dir.resolve("streams.dsl"), "");
        Files.writeString(dir.resolve("tasks.dsl"), tasks);
        Files.writeString(dir.resolve("pipeline.properties"),
                "task.steelthread.pipeline.warehouse=${warehouse}\ndeployer.pipeline-task.local.javaOpts=-Xmx512m\n");
        if (schedules != null) {
            Files.writeString(dir.resolve("schedules.properties"), schedules);
        }
        return Definitions.load(dir, key -> "file:///w h", module -> module);
    }

    @Test
    void everyChildOfAFlowGetsThePipelinesSettingsAfterItsOwnArguments() throws IOException {
        Definitions d = load("flow = x: pipeline-task --spring.batch.job.names=a && <y: probe --probe.sleep=1s || "
                + "z: pipeline-task> && w: probe 'FAILED' -> fb: probe\n", null);
        Definitions.Task flow = d.task("flow");
        assertThat(flow.isFlow()).isTrue();
        assertThat(flow.dsl()).isEqualTo("x: pipeline-task --spring.batch.job.names=a "
                + "--steelthread.pipeline.warehouse='file:///w h' && <y: probe --probe.sleep=1s "
                + "--steelthread.pipeline.warehouse='file:///w h' || z: pipeline-task "
                + "--steelthread.pipeline.warehouse='file:///w h'> && w: probe "
                + "--steelthread.pipeline.warehouse='file:///w h' 'FAILED' -> fb: probe "
                + "--steelthread.pipeline.warehouse='file:///w h'");
        // Data Flow accepts it as a composed definition with the same children.
        assertThat(new TaskParser("flow", flow.dsl(), true, true).parse().getTaskApps()).hasSize(5);
        assertThat(flow.children()).extracting(Definitions.FlowChild::label)
                .containsExactlyInAnyOrder("x", "y", "z", "w", "fb");
        assertThat(flow.children()).filteredOn(c -> c.label().equals("z")).extracting(Definitions.FlowChild::app)
                .containsExactly("pipeline-task");
    }

    @Test
    void aLabelNamedLikeItsAppIsNotMistakenForIt() throws IOException {
        assertThat(load("f = probe: probe && b: probe\n", null).task("f").dsl()).isEqualTo(
                "probe: probe --steelthread.pipeline.warehouse='file:///w h' && b: probe "
                        + "--steelthread.pipeline.warehouse='file:///w h'");
    }

    @Test
    void aSingleTaskIsNoFlow() throws IOException {
        Definitions.Task task = load("t = pipeline-task --a=1\n", null).task("t");
        assertThat(task.isFlow()).isFalse();
        assertThat(task.dsl()).isEqualTo("pipeline-task --a=1 --steelthread.pipeline.warehouse='file:///w h'");
    }

    @Test
    void schedulesMapToTheSchedulesApisRequest() throws IOException {
        Definitions d = load("t = pipeline-task\n", "hourly.task=t\nhourly.cron=5 * * * *\n"
                + "hourly.arguments=--a=1  --b=2\nhourly.misfire=skip\nplain.task=t\nplain.cron=0 * * * *\n");
        assertThat(d.schedules()).extracting(Definitions.Schedule::name).containsExactly("hourly", "plain");
        Definitions.Schedule hourly = d.schedules().get(0);
        assertThat(hourly.task()).isEqualTo("t");
        assertThat(hourly.arguments()).containsExactly("--a=1", "--b=2");
        assertThat(hourly.properties()).containsExactly(entry("scheduler.cron.expression", "5 * * * *"),
                entry("scheduler.misfire", "skip"));
        assertThat(d.schedules().get(1).properties()).containsExactly(entry("scheduler.cron.expression", "0 * * * *"));
        assertThat(d.schedules().get(1).arguments()).isEqualTo(List.of());
    }

    @Test
    void aScheduleOfAnUnknownTaskOrWithABadCronIsRefusedNamingIt() {
        assertThatThrownBy(() -> load("t = pipeline-task\n", "s.task=nope\ns.cron=5 * * * *\n"))
                .hasMessageContaining("s.task").hasMessageContaining("'nope' is not a task of tasks.dsl");
        assertThatThrownBy(() -> load("t = pipeline-task\n", "s.task=t\ns.cron=5 * * *\n"))
                .hasMessageContaining("s.cron").hasMessageContaining("five cron fields");
        assertThatThrownBy(() -> load("t = pipeline-task\n", "s.task=t\ns.cron=5 * * * *\ns.misfire=later\n"))
                .hasMessageContaining("run-once or skip");
        assertThatThrownBy(() -> load("t = pipeline-task\n", "s.when=5 * * * *\n"))
                .hasMessageContaining("expected <schedule>.task");
    }

    @Test
    void noSchedulesFileNoSchedules() throws IOException {
        assertThat(load("t = pipeline-task\n", null).schedules()).isEmpty();
    }
}
