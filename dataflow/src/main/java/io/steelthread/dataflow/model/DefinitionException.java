package io.steelthread.dataflow.model;

/** A definition that cannot be applied: where it is ({@code file}, {@code name}) and why. */
public class DefinitionException extends RuntimeException {

    public DefinitionException(String file, String name, String reason) {
        super("dataflow/definitions/" + file + ": '" + name + "': " + reason);
    }
}
