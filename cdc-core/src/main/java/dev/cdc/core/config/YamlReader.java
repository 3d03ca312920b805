package dev.cdc.core.config;

import dev.cdc.api.error.ConfigurationException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.Reader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one YAML document into {@link YamlValue}s that keep their line and path, with SnakeYAML's
 * node API. Duplicate keys, recursive aliases and unresolvable {@code ${...}} references become
 * problems; a syntax error, or a document that expands (through aliases) to more than
 * {@value #MAX_VALUES} values, ends the read with a {@link ConfigurationException}. Merge keys
 * ({@code <<: *defaults}) are supported; keys written in the mapping win over merged ones.
 * One instance per read; not thread-safe.
 */
final class YamlReader {

    /** The most values a document may expand to through aliases. */
    static final int MAX_VALUES = 100_000;
    /** The most aliases of mappings or lists a document may use. */
    static final int MAX_COLLECTION_ALIASES = 50;

    private final Interpolator interpolator;
    private final Problems problems;
    private final ScalarConstructor scalars;
    private final Set<Node> converting = Collections.newSetFromMap(new IdentityHashMap<>());
    private int count;

    private YamlReader(Interpolator interpolator, Problems problems, LoaderOptions options) {
        this.interpolator = interpolator;
        this.problems = problems;
        this.scalars = new ScalarConstructor(options);
    }

    /**
     * The document's root value, or empty for an empty document. Problems inside it are added
     * to {@code problems}.
     *
     * @throws ConfigurationException for a YAML syntax error or an over-large expansion, with
     *                                every problem found so far
     */
    static Optional<YamlValue> read(Reader reader, Interpolator interpolator, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        Node root;
        try {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            problems.add("", mark == null ? 0 : mark.getLine() + 1, syntaxMessage(e, mark));
            throw problems.exception();
        } catch (YAMLException e) {
            problems.add("", 0, "the YAML could not be read: " + e.getMessage());
            throw problems.exception();
        }
        if (root == null) {
            return Optional.empty();
        }
        YamlReader r = new YamlReader(interpolator, problems, options);
        try {
            return Optional.of(r.convert(root, ""));
        } catch (TooLarge e) {
            problems.add("", 0, "the YAML expands to more than " + MAX_VALUES + " values through aliases; "
                    + "write it out without nesting aliases");
            throw problems.exception();
        }
    }

    private static String syntaxMessage(MarkedYAMLException e, Mark mark) {
        StringBuilder sb = new StringBuilder("YAML syntax error");
        if (mark != null) {
            sb.append(" at column ").append(mark.getColumn() + 1);
        }
        String problem = e.getProblem() != null ? e.getProblem() : "invalid YAML";
        String context = e.getContext();
        if (context == null) {
            return sb.append(": ").append(problem).toString();
        }
        Mark contextMark = e.getContextMark();
        String where = contextMark == null || mark != null && contextMark.getLine() == mark.getLine()
                && contextMark.getColumn() == mark.getColumn() ? ""
                : " at line " + (contextMark.getLine() + 1) + ", column " + (contextMark.getColumn() + 1);
        if (problem.startsWith("but ")) {
            // SnakeYAML splits one sentence: "expected a single document in the stream" + "but found another document"
            return sb.append(": ").append(context).append(where).append(", ").append(problem).toString();
        }
        return sb.append(": ").append(problem).append(" (").append(context).append(where).append(')').toString();
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private YamlValue convert(Node node, String path) {
        if (++count > MAX_VALUES) {
            throw new TooLarge();
        }
        int line = line(node);
        if (node instanceof ScalarNode scalar) {
            return scalar(scalar, path, line);
        }
        if (!converting.add(node)) {
            problems.add(path, line, "refers to itself through an alias; a value may not contain itself");
            return new YamlValue.Scalar(null, null, path, line, true);
        }
        try {
            if (node instanceof SequenceNode sequence) {
                List<YamlValue> items = new ArrayList<>();
                for (Node item : sequence.getValue()) {
                    items.add(convert(item, path + "[" + items.size() + "]"));
                }
                return new YamlValue.Sequence(items, path, line);
            }
            return mapping((MappingNode) node, path, line);
        } finally {
            converting.remove(node);
        }
    }

    private YamlValue.Mapping mapping(MappingNode node, String path, int line) {
        Map<String, YamlValue.Entry> entries = new LinkedHashMap<>();
        List<Node> merges = new ArrayList<>();
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            int keyLine = line(keyNode);
            if (!(keyNode instanceof ScalarNode key)) {
                problems.add(path, keyLine, "has a " + (keyNode instanceof MappingNode ? "mapping" : "list")
                        + " as a key; keys must be plain names");
                continue;
            }
            if (Tag.MERGE.equals(key.getTag())) {
                merges.add(tuple.getValueNode());
                continue;
            }
            String name = key.getValue();
            String childPath = path.isEmpty() ? name : path + "." + name;
            YamlValue.Entry first = entries.get(name);
            if (first != null) {
                problems.add(childPath, keyLine, "duplicate key '" + name + "' (first at line " + first.keyLine()
                        + "); keep only one");
                continue;
            }
            entries.put(name, new YamlValue.Entry(name, keyLine, convert(tuple.getValueNode(), childPath)));
        }
        for (Node merge : merges) {
            List<Node> sources = merge instanceof SequenceNode s ? s.getValue() : List.of(merge);
            for (Node source : sources) {
                YamlValue merged = convert(source, path);
                if (merged instanceof YamlValue.Mapping m) {
                    m.entries().forEach(entries::putIfAbsent);
                } else if (!merged.unresolved()) {
                    problems.add(path, line(source), "'<<' merges mappings, but it was given " + merged.describe());
                }
            }
        }
        return new YamlValue.Mapping(entries, path, line);
    }

    private YamlValue scalar(ScalarNode node, String path, int line) {
        String text = node.getValue();
        if (text.contains("${")) {
            Interpolator.Result r = interpolator.resolve(text);
            if (!r.errors().isEmpty()) {
                r.errors().forEach(message -> problems.add(path, line, message));
                return new YamlValue.Scalar(null, null, path, line, true);
            }
            return new YamlValue.Scalar(r.value(), r.value(), path, line, false);
        }
        Tag tag = node.getTag();
        if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag) || Tag.BOOL.equals(tag) || Tag.NULL.equals(tag)) {
            try {
                return new YamlValue.Scalar(scalars.construct(node), text, path, line, false);
            } catch (YAMLException | NumberFormatException e) {
                problems.add(path, line, "'" + text + "' is not a valid " + tag.getValue().replaceFirst(".*:", ""));
                return new YamlValue.Scalar(null, null, path, line, true);
            }
        }
        return new YamlValue.Scalar(text, text, path, line, false);
    }

    /** SnakeYAML's own conversion of int, float, bool and null scalars (YAML 1.1 rules). */
    private static final class ScalarConstructor extends SafeConstructor {
        ScalarConstructor(LoaderOptions options) {
            super(options);
        }

        Object construct(ScalarNode node) {
            return constructObject(node);
        }
    }

    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }
}
