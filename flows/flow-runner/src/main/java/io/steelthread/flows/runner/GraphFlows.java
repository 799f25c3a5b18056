package io.steelthread.flows.runner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import org.springframework.batch.core.Step;
import org.springframework.batch.core.configuration.annotation.StepBuilderFactory;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.cloud.dataflow.core.dsl.LabelledTaskNode;
import org.springframework.cloud.dataflow.core.dsl.SplitNode;
import org.springframework.cloud.dataflow.core.dsl.TaskAppNode;
import org.springframework.cloud.dataflow.core.dsl.TaskNode;
import org.springframework.cloud.dataflow.core.dsl.TransitionNode;
import org.springframework.core.task.TaskExecutor;

/**
 * A flow's graph as a Spring Batch flow. Data Flow's task DSL and Batch's transitions mean the same things:
 * <ul>
 * <li>{@code a && b}: b runs after a unless a failed; a failure with no transition of its own fails the flow.</li>
 * <li>{@code a 'S' -> x}: a status S (Batch pattern, {@code *} matches any) runs x, and the flow ends after x
 * (failing if x fails); statuses no transition names go on along the sequence. {@code -> :label} goes to the labelled
 * child and on along its sequence; {@code $END} and {@code $FAIL} end the flow.</li>
 * <li>{@code <a || b && c>}: branches run at once on the split executor (bounded), the flow goes on when all have
 * ended, and fails if one failed.</li>
 * </ul>
 * Steps are named after the children, so a restarted flow skips the children that completed and resumes at the one
 * that failed.
 */
final class GraphFlows {

    private final StepBuilderFactory steps;
    private final TaskExecutor splitExecutor;
    private final BiFunction<String, List<String>, Tasklet> tasklets;
    private final Map<String, Step> stepsByName = new HashMap<>();
    private final Map<String, Step> stepsByLabel = new HashMap<>();
    private final Set<Step> wiredTargets = new java.util.HashSet<>();
    private int splits;

    /**
     * @param tasklets the tasklet of a child, given its name and the statuses its own transitions match
     */
    GraphFlows(StepBuilderFactory steps, TaskExecutor splitExecutor,
            BiFunction<String, List<String>, Tasklet> tasklets) {
        this.steps = steps;
        this.splitExecutor = splitExecutor;
        this.tasklets = tasklets;
    }

    Flow flow(TaskNode graph) {
        if (graph.getSequences().size() != 1) {
            throw new IllegalArgumentException("a flow has one sequence; '" + graph.getTaskText() + "' has "
                    + graph.getSequences().size());
        }
        LabelledTaskNode main = graph.getStart();
        labels(main);
        return sequence(graph.getName(), main.getSeries());
    }

    private Flow sequence(String name, List<LabelledTaskNode> series) {
        FlowBuilder<Flow> flow = new FlowBuilder<>(name);
        List<Step> elements = new ArrayList<>();
        for (LabelledTaskNode node : series) {
            elements.add(step(node));
        }
        flow.start(elements.get(0));
        for (int i = 0; i < elements.size(); i++) {
            Step step = elements.get(i);
            Set<String> handled = new LinkedHashSet<>();
            if (series.get(i) instanceof TaskAppNode app) {
                for (TransitionNode transition : app.getTransitions()) {
                    String status = transition.getStatusToCheck();
                    handled.add(status);
                    if (transition.isFailTransition()) {
                        flow.from(step).on(status).fail();
                    }
                    else if (transition.isEndTransition()) {
                        flow.from(step).on(status).end();
                    }
                    else if (transition.isTargetApp()) {
                        Step target = step(transition.getTargetApp());
                        flow.from(step).on(status).to(target);
                        if (wiredTargets.add(target)) {
                            flow.from(target).on("FAILED").fail();
                            flow.from(target).on("*").end();
                        }
                    }
                    else {
                        Step target = stepsByLabel.get(transition.getTargetLabel());
                        if (target == null) {
                            throw new IllegalArgumentException("no child labelled '" + transition.getTargetLabel()
                                    + "' in the flow");
                        }
                        flow.from(step).on(status).to(target);
                    }
                }
            }
            if (!handled.contains("*")) {
                if (!handled.contains("FAILED")) {
                    flow.from(step).on("FAILED").fail();
                }
                if (i + 1 < elements.size()) {
                    flow.from(step).on("*").to(elements.get(i + 1));
                }
                else {
                    flow.from(step).on("*").end();
                }
            }
        }
        return flow.build();
    }

    private Step step(LabelledTaskNode node) {
        if (node instanceof TaskAppNode app) {
            return stepsByName.computeIfAbsent(app.getName(), name -> {
                List<String> statuses = app.getTransitions().stream().map(TransitionNode::getStatusToCheck).toList();
                return steps.get(name).tasklet(tasklets.apply(name, statuses)).build();
            });
        }
        if (node instanceof SplitNode split) {
            String name = "split-" + (++splits);
            List<Flow> branches = new ArrayList<>();
            int branch = 0;
            for (LabelledTaskNode element : split.getSeries()) {
                branch++;
                branches.add(sequence(name + "-branch-" + branch, element.getSeries()));
            }
            Flow parallel = new FlowBuilder<Flow>(name).split(splitExecutor).add(branches.toArray(Flow[]::new)).build();
            return steps.get(name).flow(parallel).build();
        }
        return steps.get("flow-" + (++splits)).flow(sequence("flow-" + splits, node.getSeries())).build();
    }

    /** Children with a label, so transitions can refer to them ({@code -> :label}). */
    private void labels(LabelledTaskNode node) {
        for (LabelledTaskNode element : node.getSeries()) {
            if (element instanceof TaskAppNode app && app.getLabel() != null) {
                stepsByLabel.put(app.getLabel().stringValue(), step(app));
            }
            else if (element instanceof SplitNode split) {
                split.getSeries().forEach(this::labels);
            }
        }
    }
}
