package io.steelthread.dataflow.client;

import java.util.ArrayList;
import java.util.List;

/** What {@code apply} does, step by step: each line says what changes on the server, or that nothing does. */
public final class Plan {

    /** {@code action} is one of add, change, deploy, unchanged. */
    public record Step(String kind, String name, String action, String detail, Runnable apply) {

        @Override
        public String toString() {
            return String.format("  %-9s %-8s %-24s %s", action, kind, name, detail);
        }
    }

    private final List<Step> steps = new ArrayList<>();

    void add(String kind, String name, String action, String detail, Runnable apply) {
        steps.add(new Step(kind, name, action, detail, apply));
    }

    public List<Step> steps() {
        return steps;
    }

    /** The steps that change something. */
    public List<Step> changes() {
        return steps.stream().filter(s -> !s.action().equals("unchanged")).toList();
    }
}
