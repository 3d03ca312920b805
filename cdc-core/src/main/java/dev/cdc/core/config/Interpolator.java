package dev.cdc.core.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Resolves references in YAML scalars: {@code ${env:NAME}}, {@code ${env:NAME:-default}},
 * {@code ${file:/path}} (the file's UTF-8 content, one trailing newline removed; a relative path
 * is relative to the working directory); {@code $${} is a literal {@code ${}. A reference without a
 * scheme, such as {@code ${table}}, is left as it is: plugins use those in their own templates
 * (index names, Redis keys). Thread-safe.
 */
final class Interpolator {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** {@code ${scheme:...}}: an interpolation; anything else between {@code ${ }} belongs to the plugin. */
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9]*:.*", Pattern.DOTALL);
    private static final String HOW = "use ${env:NAME}, ${env:NAME:-default} or ${file:/path}, "
            + "or write $${ for a literal ${";

    private final Function<String, Optional<String>> env;

    Interpolator(Function<String, Optional<String>> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * The text with every reference replaced.
     *
     * @param value  the resolved text
     * @param errors what could not be resolved; {@code value} is meaningless when not empty
     */
    record Result(String value, List<String> errors) {
    }

    Result resolve(String text) {
        if (!text.contains("${")) {
            return new Result(text, List.of());
        }
        StringBuilder out = new StringBuilder();
        List<String> errors = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                String expression = text.substring(i + 2, end < 0 ? text.length() : end);
                if (!SCHEME.matcher(expression).matches()) {
                    out.append("${"); // a plugin's own template reference, such as ${table}
                    i += 2;
                    continue;
                }
                if (end < 0) {
                    errors.add("'${' is not closed by '}'; " + HOW);
                    break;
                }
                reference(expression, out, errors);
                i = end + 1;
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        return new Result(out.toString(), List.copyOf(errors));
    }

    private void reference(String expression, StringBuilder out, List<String> errors) {
        if (expression.startsWith("env:")) {
            String spec = expression.substring(4);
            int dflt = spec.indexOf(":-");
            String name = dflt < 0 ? spec : spec.substring(0, dflt);
            if (!ENV_NAME.matcher(name).matches()) {
                errors.add("'${" + expression + "}' does not name an environment variable (letters, digits and '_', "
                        + "not starting with a digit); " + HOW);
                return;
            }
            Optional<String> value = env.apply(name);
            if (value.isPresent()) {
                out.append(value.get());
            } else if (dflt >= 0) {
                out.append(spec.substring(dflt + 2));
            } else {
                errors.add("environment variable '" + name + "' is not set; set it, or give a default with ${env:"
                        + name + ":-value}");
            }
        } else if (expression.startsWith("file:")) {
            String file = expression.substring(5);
            readFile(file, out, errors);
        } else {
            errors.add("unknown reference '${" + expression + "}'; " + HOW);
        }
    }

    private static void readFile(String file, StringBuilder out, List<String> errors) {
        if (file.isBlank()) {
            errors.add("'${file:}' names no file; " + HOW);
            return;
        }
        String why;
        try {
            Path path = Path.of(file);
            String content = Files.readString(path, StandardCharsets.UTF_8);
            if (content.endsWith("\r\n")) {
                content = content.substring(0, content.length() - 2);
            } else if (content.endsWith("\n")) {
                content = content.substring(0, content.length() - 1);
            }
            out.append(content);
            return;
        } catch (NoSuchFileException e) {
            why = "no such file";
        } catch (AccessDeniedException e) {
            why = "permission denied";
        } catch (CharacterCodingException e) {
            why = "it is not UTF-8 text";
        } catch (IOException e) {
            why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InvalidPathException e) {
            errors.add("'${file:" + file + "}' is not a valid path: " + e.getReason());
            return;
        }
        String where = Path.of(file).isAbsolute() ? "" : " (a relative path is resolved against the working "
                + "directory, " + Path.of("").toAbsolutePath() + ")";
        errors.add("cannot read the file '" + file + "' given as ${file:" + file + "}: " + why + where);
    }
}
