package dev.cdc.source.mysql.schema;

import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.schema.diff.SchemaDiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The column renames that ALTER TABLE statements make, read from their text (the binlog carries
 * it): {@code RENAME COLUMN [IF EXISTS] a TO b} and {@code CHANGE [COLUMN] [IF EXISTS] a b <definition>}
 * (a {@code CHANGE} that keeps the name is no rename), in MySQL and MariaDB syntax, with any number
 * of comma-separated clauses, backquoted names, comments and executable comments (whose text counts). Not a SQL parser: it splits a
 * statement into clauses at the commas outside parentheses, quotes and comments, and reads only
 * the clauses that rename or drop a column. Names compare case-insensitively, as MySQL's column
 * names do. Stateless.
 */
public final class ColumnRenames {

    /** Words after {@code DROP} that drop something other than a column. */
    private static final Set<String> NOT_COLUMNS = Set.of("INDEX", "KEY", "PRIMARY", "FOREIGN", "CONSTRAINT",
            "CHECK", "PARTITION", "SYSTEM", "PERIOD", "UNIQUE", "FULLTEXT", "SPATIAL", "DEFAULT");

    private ColumnRenames() {
    }

    /** One clause's effect on a column: renamed ({@code to} present) or dropped. */
    record Clause(String from, Optional<String> to) {
    }

    /**
     * The renames of a series of statements run in order, chained ({@code a -> b} then
     * {@code b -> c} is {@code a -> c}; a column renamed back to its name is no rename), from each
     * column's name before the first statement to its name after the last. The clauses of one
     * statement take effect together, as the server runs them (a swap {@code a -> b, b -> a} is two
     * renames). Empty when a statement re-creates the table ({@code CREATE TABLE}): then no column
     * is the one of before. Statements other than ALTER TABLE (CREATE INDEX) rename nothing.
     */
    public static Map<String, String> chained(List<String> statements) {
        // original name (lower case) -> [original spelling, current name or null when dropped]
        Map<String, String[]> columns = new LinkedHashMap<>();
        for (String sql : statements) {
            List<Token> tokens = tokens(sql);
            if (startsWith(tokens, "CREATE", "TABLE") || startsWith(tokens, "CREATE", "OR", "REPLACE", "TABLE")
                    || startsWith(tokens, "CREATE", "TEMPORARY")) {
                return Map.of();
            }
            List<Clause> clauses = clauses(tokens);
            Map<String, String[]> byCurrent = new HashMap<>();
            columns.values().forEach(c -> {
                if (c[1] != null) {
                    byCurrent.put(key(c[1]), c);
                }
            });
            for (Clause c : clauses) {
                String[] entry = byCurrent.get(key(c.from()));
                if (entry == null) {
                    if (columns.containsKey(key(c.from()))) {
                        continue; // a column that was renamed away or dropped before: this one came later
                    }
                    entry = new String[]{c.from(), c.from()};
                    columns.put(key(c.from()), entry);
                }
                entry[1] = c.to().orElse(null);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        columns.values().forEach(c -> {
            if (c[1] != null && !key(c[0]).equals(key(c[1]))) {
                out.put(c[0], c[1]);
            }
        });
        return out;
    }

    /** The renames of one statement, old name to new name, in the statement's order. */
    public static Map<String, String> of(String statement) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Clause c : clauses(tokens(statement))) {
            c.to().filter(to -> !key(to).equals(key(c.from()))).ifPresent(to -> out.put(c.from(), to));
        }
        return out;
    }

    /** The rename and drop-column clauses of an ALTER TABLE statement; empty for any other statement. */
    static List<Clause> clauses(List<Token> tokens) {
        int i = 0;
        if (!word(tokens, i++, "ALTER")) {
            return List.of();
        }
        while (word(tokens, i, "ONLINE") || word(tokens, i, "IGNORE")) {
            i++;
        }
        if (!word(tokens, i++, "TABLE")) {
            return List.of();
        }
        if (word(tokens, i, "IF") && word(tokens, i + 1, "EXISTS")) {
            i += 2;
        }
        i = skipName(tokens, i);
        if (word(tokens, i, "NOWAIT")) {
            i++;
        } else if (word(tokens, i, "WAIT")) {
            i += 2; // MariaDB's WAIT n
        }
        List<Clause> out = new ArrayList<>();
        int start = i;
        for (int j = i; j <= tokens.size(); j++) {
            if (j == tokens.size() || tokens.get(j).is(",")) {
                clause(tokens.subList(start, j)).ifPresent(out::add);
                start = j + 1;
            }
        }
        return out;
    }

    private static Optional<Clause> clause(List<Token> t) {
        int i = 0;
        if (word(t, i, "CHANGE")) {
            i++;
            if (word(t, i, "COLUMN")) {
                i++;
            }
            i = skipIfExists(t, i);
            if (name(t, i) && name(t, i + 1)) {
                return Optional.of(new Clause(t.get(i).text(), Optional.of(t.get(i + 1).text())));
            }
        } else if (word(t, i, "RENAME") && word(t, i + 1, "COLUMN")) {
            i = skipIfExists(t, i + 2);
            if (name(t, i) && word(t, i + 1, "TO") && name(t, i + 2)) {
                return Optional.of(new Clause(t.get(i).text(), Optional.of(t.get(i + 2).text())));
            }
        } else if (word(t, i, "DROP")) {
            i++;
            if (word(t, i, "COLUMN")) {
                i++;
            } else if (i < t.size() && !t.get(i).quoted() && NOT_COLUMNS.contains(upper(t.get(i).text()))) {
                return Optional.empty();
            }
            i = skipIfExists(t, i);
            if (name(t, i)) {
                return Optional.of(new Clause(t.get(i).text(), Optional.empty()));
            }
        }
        return Optional.empty();
    }

    private static int skipIfExists(List<Token> t, int i) {
        return word(t, i, "IF") && word(t, i + 1, "EXISTS") ? i + 2 : i;
    }

    /** Past a table name, {@code db.t} or {@code t}. */
    private static int skipName(List<Token> t, int i) {
        int j = i + 1;
        while (j + 1 < t.size() && t.get(j).is(".")) {
            j += 2;
        }
        return j;
    }

    private static boolean startsWith(List<Token> t, String... words) {
        for (int i = 0; i < words.length; i++) {
            if (!word(t, i, words[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean word(List<Token> t, int i, String word) {
        return i < t.size() && !t.get(i).quoted() && t.get(i).kind() == Token.Kind.WORD
                && t.get(i).text().equalsIgnoreCase(word);
    }

    private static boolean name(List<Token> t, int i) {
        return i < t.size() && t.get(i).kind() == Token.Kind.WORD;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    /** A word or backquoted name (kind WORD), a string literal, or one other character. */
    record Token(Kind kind, String text, boolean quoted) {
        enum Kind { WORD, STRING, SYMBOL }

        boolean is(String symbol) {
            return kind == Kind.SYMBOL && text.equals(symbol);
        }
    }

    /**
     * The statement's tokens at parenthesis depth 0 (what is inside parentheses, such as a type's
     * length or a DEFAULT expression, is dropped, so its commas split nothing).
     */
    static List<Token> tokens(String sql) {
        List<Token> out = new ArrayList<>();
        int depth = 0;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '`' || c == '\'' || c == '"') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                while (j < n) {
                    char d = sql.charAt(j);
                    if (d == c && j + 1 < n && sql.charAt(j + 1) == c) {
                        b.append(c);
                        j += 2;
                    } else if (d == c) {
                        break;
                    } else if (d == '\\' && c != '`' && j + 1 < n) {
                        b.append(sql.charAt(j + 1));
                        j += 2;
                    } else {
                        b.append(d);
                        j++;
                    }
                }
                i = j + 1;
                if (depth == 0) {
                    out.add(new Token(c == '`' ? Token.Kind.WORD : Token.Kind.STRING, b.toString(), true));
                }
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-'
                    && (i + 2 >= n || Character.isWhitespace(sql.charAt(i + 2))) || c == '#') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (sql.startsWith("/*!", i) || sql.startsWith("/*M!", i)) {
                i = sql.indexOf('!', i) + 1; // an executable comment: its text is part of the statement
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '*' && i + 1 < n && sql.charAt(i + 1) == '/') {
                i += 2; // the end of an executable comment
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 127) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_'
                        || sql.charAt(j) == '$' || sql.charAt(j) > 127)) {
                    j++;
                }
                if (depth == 0) {
                    out.add(new Token(Token.Kind.WORD, sql.substring(i, j), false));
                }
                i = j;
            } else {
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth = Math.max(0, depth - 1);
                } else if (depth == 0) {
                    out.add(new Token(Token.Kind.SYMBOL, String.valueOf(c), false));
                }
                i++;
            }
        }
        return out;
    }

    /**
     * The changes from {@code before} to {@code after} when the deferred statements rename columns
     * ({@link #chained} in binlog order, names matched case-insensitively as MySQL
     * does): the full diff with those renames, as the engine would compute it from them; else empty,
     * and the engine diffs by name. The statements come from the binlog, so a replay gives the same.
     */
    public static List<SchemaChange> changes(TableSchema before, TableSchema after, List<String> statements) {
        Map<String, String> renames = new LinkedHashMap<>();
        chained(statements).forEach((from, to) -> {
            Optional<String> f = columnNamed(before, from);
            Optional<String> t = columnNamed(after, to);
            if (f.isPresent() && t.isPresent()) {
                renames.put(f.get(), t.get());
            }
        });
        return renames.isEmpty() ? List.of() : SchemaDiff.betweenReported(before, after, renames);
    }

    private static Optional<String> columnNamed(TableSchema schema, String name) {
        return schema.columnNames().stream().filter(n -> n.equalsIgnoreCase(name)).findFirst();
    }
}
