package dev.cdc.source.mysql.schema;

import dev.cdc.api.event.TableId;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which tables a DDL statement from the binlog changes, and how. Not a SQL parser: it finds the
 * table names of CREATE / ALTER / DROP / RENAME / TRUNCATE TABLE and CREATE / DROP INDEX; the
 * new definition is then read from the server (or from the schema history on a replay).
 */
public final class DdlStatements {

    /** What a statement does to a table. */
    public enum Kind { CREATE, ALTER, DROP, RENAME, TRUNCATE }

    /** One table a statement affects. */
    public record Affected(Kind kind, TableId table, Optional<TableId> renamedFrom) {
    }

    private static final String NAME = "((?:`(?:[^`]|``)+`|[\\w$]+)(?:\\s*\\.\\s*(?:`(?:[^`]|``)+`|[\\w$]+))?)";
    private static final Pattern CREATE = Pattern.compile(
            "^CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ALTER = Pattern.compile(
            "^ALTER\\s+(?:ONLINE\\s+)?(?:IGNORE\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern ALTER_RENAME = Pattern.compile("\\bRENAME\\s+(?:TO\\s+|AS\\s+)?" + NAME + "\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP = Pattern.compile(
            "^DROP\\s+(?:TEMPORARY\\s+)?TABLE\\s+(?:IF\\s+EXISTS\\s+)?(.*)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern RENAME = Pattern.compile("^RENAME\\s+TABLES?\\s+(.*)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TRUNCATE = Pattern.compile("^TRUNCATE\\s+(?:TABLE\\s+)?" + NAME,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern INDEX = Pattern.compile(
            "^(?:CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:UNIQUE\\s+|FULLTEXT\\s+|SPATIAL\\s+)?INDEX|DROP\\s+INDEX)\\s+(?:IF\\s+(?:NOT\\s+)?EXISTS\\s+)?"
                    + NAME + "\\s+ON\\s+" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME_ONLY = Pattern.compile(NAME);

    private DdlStatements() {
    }

    /** The affected tables; empty for statements that change no table definition. */
    public static List<Affected> parse(String sql, String defaultDatabase) {
        String s = stripComments(sql).trim();
        List<Affected> out = new ArrayList<>();
        Matcher m;
        if ((m = CREATE.matcher(s)).find()) {
            out.add(new Affected(Kind.CREATE, name(m.group(1), defaultDatabase), Optional.empty()));
        } else if ((m = ALTER.matcher(s)).find()) {
            TableId t = name(m.group(1), defaultDatabase);
            Matcher r = ALTER_RENAME.matcher(s);
            if (r.find()) {
                out.add(new Affected(Kind.DROP, t, Optional.empty()));
                out.add(new Affected(Kind.RENAME, name(r.group(1), defaultDatabase), Optional.of(t)));
            } else {
                out.add(new Affected(Kind.ALTER, t, Optional.empty()));
            }
        } else if ((m = DROP.matcher(s)).find()) {
            for (String part : splitNames(m.group(1).replaceAll("(?i)\\s+(RESTRICT|CASCADE)\\s*$", ""))) {
                out.add(new Affected(Kind.DROP, name(part, defaultDatabase), Optional.empty()));
            }
        } else if ((m = RENAME.matcher(s)).find()) {
            for (String pair : splitNames(m.group(1))) {
                String[] ft = pair.split("(?i)\\s+TO\\s+");
                if (ft.length == 2) {
                    TableId from = name(ft[0].trim(), defaultDatabase);
                    out.add(new Affected(Kind.DROP, from, Optional.empty()));
                    out.add(new Affected(Kind.RENAME, name(ft[1].trim(), defaultDatabase), Optional.of(from)));
                }
            }
        } else if ((m = TRUNCATE.matcher(s)).find()) {
            out.add(new Affected(Kind.TRUNCATE, name(m.group(1), defaultDatabase), Optional.empty()));
        } else if ((m = INDEX.matcher(s)).find()) {
            out.add(new Affected(Kind.ALTER, name(m.group(2), defaultDatabase), Optional.empty()));
        }
        return out;
    }

    /** A RENAME TABLE statement (which moves tables as they are; an ALTER TABLE ... RENAME may change more). */
    public static boolean isRenameOnly(String sql) {
        return RENAME.matcher(stripComments(sql).trim()).find();
    }

    /** SAVEPOINT and the like travel inside a transaction; DDL commits implicitly. */
    public static boolean isTransactional(String sql) {
        String s = stripComments(sql).trim().toUpperCase(Locale.ROOT);
        return s.startsWith("SAVEPOINT") || s.startsWith("ROLLBACK TO") || s.startsWith("RELEASE SAVEPOINT")
                || s.startsWith("INSERT") || s.startsWith("UPDATE") || s.startsWith("DELETE") || s.startsWith("XA ");
    }

    private static List<String> splitNames(String list) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : list.toCharArray()) {
            if (c == '`') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().trim());
        }
        return out;
    }

    static TableId name(String text, String defaultDatabase) {
        Matcher m = NAME_ONLY.matcher(text.trim());
        String t = m.find() ? m.group(1) : text.trim();
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '`') {
                if (quoted && i + 1 < t.length() && t.charAt(i + 1) == '`') {
                    cur.append('`');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == '.' && !quoted) {
                parts.add(cur.toString().trim());
                cur.setLength(0);
            } else if (quoted || !Character.isWhitespace(c)) {
                cur.append(c);
            }
        }
        parts.add(cur.toString().trim());
        return parts.size() == 1 ? TableId.of(defaultDatabase, parts.get(0)) : TableId.of(parts.get(0), parts.get(1));
    }

    static String stripComments(String sql) {
        return sql.replaceAll("(?s)/\\*(?!!).*?\\*/", " ").replaceAll("(?s)/\\*!\\d*", " ").replace("*/", " ")
                .replaceAll("(?m)^\\s*(--|#).*$", " ");
    }
}
