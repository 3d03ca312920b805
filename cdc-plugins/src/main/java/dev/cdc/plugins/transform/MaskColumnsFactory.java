package dev.cdc.plugins.transform;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Transformer;
import dev.cdc.api.spi.TransformerFactory;
import dev.cdc.plugins.filter.ColumnPattern;

import java.util.List;

/** Builds the {@code mask-columns} transformer. */
public final class MaskColumnsFactory implements TransformerFactory {

    @Override
    public String type() {
        return "mask-columns";
    }

    @Override
    public String description() {
        return "Replaces the values of columns, chosen by glob, with a fixed text or a salted SHA-256 hash";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return MaskColumnsOptions.all();
    }

    @Override
    public List<ConfigProblem> validate(Configuration options) {
        MaskColumnsTransformer.Mode mode = options.get(MaskColumnsOptions.MODE);
        if (mode == MaskColumnsTransformer.Mode.HASH && options.getOptional(MaskColumnsOptions.SALT).isEmpty()) {
            return List.of(ConfigProblem.of(MaskColumnsOptions.SALT.key(),
                    "is required when mode is hash; set a secret salt, e.g. salt: ${env:CDC_MASK_SALT}"));
        }
        if (mode == MaskColumnsTransformer.Mode.FIXED && options.isSet(MaskColumnsOptions.SALT)) {
            return List.of(ConfigProblem.of(MaskColumnsOptions.SALT.key(),
                    "is set but mode is fixed, which does not use it; set mode: hash or remove salt"));
        }
        return List.of();
    }

    @Override
    public Transformer create(PluginContext context) {
        Configuration options = context.options();
        requireValid(options);
        MaskColumnsTransformer.Mode mode = options.get(MaskColumnsOptions.MODE);
        return new MaskColumnsTransformer(ColumnPattern.compileAll(options.get(MaskColumnsOptions.COLUMNS)), mode,
                options.get(MaskColumnsOptions.REPLACEMENT), options.getOptional(MaskColumnsOptions.SALT).orElse(""),
                options.get(MaskColumnsOptions.INCLUDE_KEY));
    }
}
