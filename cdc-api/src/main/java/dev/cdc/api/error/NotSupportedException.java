package dev.cdc.api.error;

/** A plugin was asked for something it cannot do: "not supported by sink 'redis': drop column". */
public class NotSupportedException extends CdcException {

    public NotSupportedException(String pluginKind, String pluginName, String what) {
        super("not supported by " + pluginKind + " '" + pluginName + "': " + what);
    }
}
