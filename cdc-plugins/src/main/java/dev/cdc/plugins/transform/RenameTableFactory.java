package dev.cdc.plugins.transform;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Transformer;
import dev.cdc.api.spi.TransformerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Builds the {@code rename-table} transformer. */
public final class RenameTableFactory implements TransformerFactory {

    @Override
    public String type() {
        return "rename-table";
    }

    @Override
    public String description() {
        return "Renames tables in row and schema changes, by an exact mapping or a regular expression";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return RenameTableOptions.all();
    }

    @Override
    public List<ConfigProblem> validate(Configuration options) {
        Optional<Map<String, String>> mapping = options.getOptional(RenameTableOptions.MAPPING);
        Optional<String> pattern = options.getOptional(RenameTableOptions.PATTERN);
        Optional<String> replacement = options.getOptional(RenameTableOptions.REPLACEMENT);
        List<ConfigProblem> problems = new ArrayList<>();
        if (mapping.isEmpty() && pattern.isEmpty() && replacement.isEmpty()) {
            problems.add(ConfigProblem.of("", "rename-table needs 'mapping' ({public.orders: archive.orders}) or "
                    + "'pattern' with 'replacement' (public\\.(.*) -> archive.$1), or both"));
        }
        if (pattern.isPresent() && replacement.isEmpty()) {
            problems.add(ConfigProblem.of(RenameTableOptions.REPLACEMENT.key(),
                    "is required with 'pattern'; give the new name, e.g. archive.$1"));
        }
        if (replacement.isPresent() && pattern.isEmpty()) {
            problems.add(ConfigProblem.of(RenameTableOptions.PATTERN.key(),
                    "is required with 'replacement'; give the regular expression whose groups it uses"));
        }
        if (pattern.isPresent() && replacement.isPresent()) {
            int groups = Pattern.compile(pattern.get()).matcher("").groupCount();
            RenameTableOptions.replacementProblem(replacement.get(), groups).ifPresent(p -> problems.add(
                    ConfigProblem.of(RenameTableOptions.REPLACEMENT.key(), "was '" + replacement.get() + "' but it " + p)));
        }
        return problems;
    }

    @Override
    public Transformer create(PluginContext context) {
        Configuration options = context.options();
        requireValid(options);
        Optional<Map<String, String>> mapping = options.getOptional(RenameTableOptions.MAPPING);
        Optional<Pattern> regex = options.getOptional(RenameTableOptions.PATTERN).map(Pattern::compile);
        Optional<String> replacement = options.getOptional(RenameTableOptions.REPLACEMENT);
        Map<TableId, TableId> renames = new LinkedHashMap<>();
        mapping.orElse(Map.of()).forEach((from, to) -> renames.put(TableId.parse(from), TableId.parse(to)));
        return new RenameTableTransformer(renames, regex, replacement.orElse(""));
    }
}
