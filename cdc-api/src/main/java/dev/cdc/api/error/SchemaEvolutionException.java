package dev.cdc.api.error;

import dev.cdc.api.event.SchemaChangeEvent;

/** A schema change could not be applied, or the policy forbids it. Carries the change. */
public class SchemaEvolutionException extends CdcException {

    private final transient SchemaChangeEvent change;

    public SchemaEvolutionException(String message, SchemaChangeEvent change) {
        super(message);
        this.change = change;
    }

    public SchemaEvolutionException(String message, SchemaChangeEvent change, Throwable cause) {
        super(message, cause);
        this.change = change;
    }

    public SchemaChangeEvent change() {
        return change;
    }
}
