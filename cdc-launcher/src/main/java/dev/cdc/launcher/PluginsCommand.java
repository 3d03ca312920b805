package dev.cdc.launcher;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.spi.PluginFactory;
import dev.cdc.core.config.ReferenceDocs;
import dev.cdc.core.plugin.PluginCatalog;
import dev.cdc.core.plugin.PluginKind;
import dev.cdc.core.plugin.PluginRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** {@code cdc plugins [--markdown] [TYPE]}: every bundled plugin and its options. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "Lists every bundled plugin (sources, sinks, filters, transforms, checkpoint stores) with "
                + "its options: type, default, whether required, description.")
final class PluginsCommand implements java.util.concurrent.Callable<Integer> {

    @ParentCommand
    private Cdc cdc;

    @Spec
    private CommandSpec spec;

    @Option(names = "--markdown", description = "Markdown (the README's reference) instead of plain text.")
    private boolean markdown;

    @Parameters(arity = "0..1", paramLabel = "TYPE", description = "Only the plugins of this type (e.g. file).")
    private String type;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PluginRegistry all;
        try {
            all = PipelineFiles.registry();
        } catch (CdcException e) {
            cdc.verbosity().printError(err, "plugins", e);
            return ExitCodes.INVALID;
        }
        PluginRegistry shown = all;
        if (type != null) {
            List<PluginFactory> matching = Arrays.stream(PluginKind.values())
                    .flatMap(k -> all.factories(k).stream()).filter(f -> f.type().equals(type)).distinct()
                    .toList();
            if (matching.isEmpty()) {
                String known = Arrays.stream(PluginKind.values()).flatMap(k -> all.types(k).stream())
                        .collect(Collectors.toCollection(TreeSet::new)).stream().collect(Collectors.joining(", "));
                err.println("cdc: no plugin has the type '" + type + "'; the bundled types are: " + known);
                err.flush();
                return ExitCodes.INVALID;
            }
            shown = PluginRegistry.of(matching);
        }
        PluginCatalog catalog = PluginCatalog.of(shown);
        if (markdown) {
            out.print(type == null ? ReferenceDocs.markdown(all) : catalog.markdown());
        } else {
            out.print(withoutEmptyKinds(catalog.text(), type != null));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** With a TYPE, the kinds it is not are left out rather than listed as "(none registered)". */
    private static String withoutEmptyKinds(String text, boolean filtered) {
        if (!filtered) {
            return text;
        }
        String kept = Arrays.stream(text.split("\n\n(?=[A-Z])"))
                .filter(section -> !section.contains("(none registered)"))
                .collect(Collectors.joining("\n\n"));
        return kept.endsWith("\n") ? kept : kept + "\n";
    }
}
