package dev.cdc.api.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Converts raw option values (YAML scalars, lists, maps, or strings from the environment) to typed ones. */
final class OptionValues {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|k|m|g)?");

    private OptionValues() {
    }

    static Object convert(OptionType type, List<String> allowed, Object raw, ConfigOption<?> option) {
        if (raw == null) {
            throw new IllegalArgumentException("has no value but it must be " + type.expectation());
        }
        return switch (type) {
            case STRING -> scalar(raw, option);
            case INT -> {
                long v = parseLong(raw, option);
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw wrong(raw, option, "an integer between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
                }
                yield (int) v;
            }
            case LONG -> parseLong(raw, option);
            case DOUBLE -> {
                if (raw instanceof Number n) {
                    yield n.doubleValue();
                }
                try {
                    yield Double.parseDouble(scalar(raw, option).trim());
                } catch (NumberFormatException e) {
                    throw wrong(raw, option, type.expectation());
                }
            }
            case BOOLEAN -> {
                if (raw instanceof Boolean b) {
                    yield b;
                }
                String s = scalar(raw, option).trim().toLowerCase(Locale.ROOT);
                if (s.equals("true") || s.equals("false")) {
                    yield Boolean.parseBoolean(s);
                }
                throw wrong(raw, option, type.expectation());
            }
            case DURATION -> parseDuration(raw, option);
            case SIZE -> parseSize(raw, option);
            case LIST -> {
                if (raw instanceof List<?> list) {
                    List<String> out = new ArrayList<>();
                    for (Object o : list) {
                        if (o instanceof Map || o instanceof List) {
                            throw wrong(raw, option, type.expectation());
                        }
                        out.add(String.valueOf(o));
                    }
                    yield List.copyOf(out);
                }
                if (raw instanceof Map) {
                    throw wrong(raw, option, type.expectation());
                }
                String s = scalar(raw, option).trim();
                yield s.isEmpty() ? List.of() : List.of(s.split("\\s*,\\s*"));
            }
            case MAP -> {
                if (!(raw instanceof Map<?, ?> map)) {
                    throw wrong(raw, option, type.expectation());
                }
                Map<String, String> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (e.getValue() instanceof Map || e.getValue() instanceof List) {
                        throw wrong(raw, option, type.expectation());
                    }
                    out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
                }
                yield java.util.Collections.unmodifiableMap(out);
            }
            case ENUM -> {
                String s = normalise(scalar(raw, option));
                for (String a : allowed) {
                    if (normalise(a).equals(s)) {
                        Class<?> vc = option.valueClass();
                        if (vc.isEnum()) {
                            for (Object c : vc.getEnumConstants()) {
                                if (normalise(((Enum<?>) c).name()).equals(s)) {
                                    yield c;
                                }
                            }
                        }
                        yield a;
                    }
                }
                throw wrong(raw, option, "one of " + String.join(", ", allowed));
            }
            case ANY -> raw;
        };
    }

    private static String normalise(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String scalar(Object raw, ConfigOption<?> option) {
        if (raw instanceof Map || raw instanceof List) {
            throw new IllegalArgumentException("was a " + (raw instanceof Map ? "mapping" : "list")
                    + " but it must be " + option.type().expectation());
        }
        return String.valueOf(raw);
    }

    private static long parseLong(Object raw, ConfigOption<?> option) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        try {
            return Long.parseLong(scalar(raw, option).trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw wrong(raw, option, option.type().expectation());
        }
    }

    private static Duration parseDuration(Object raw, ConfigOption<?> option) {
        if (raw instanceof Integer || raw instanceof Long) {
            return Duration.ofMillis(((Number) raw).longValue());
        }
        String s = scalar(raw, option).trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (s.matches("\\d+")) {
            return Duration.ofMillis(Long.parseLong(s));
        }
        try {
            return Duration.parse(s.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw wrong(raw, option, OptionType.DURATION.expectation());
        }
    }

    private static long parseSize(Object raw, ConfigOption<?> option) {
        if (raw instanceof Integer || raw instanceof Long) {
            return ((Number) raw).longValue();
        }
        Matcher m = SIZE.matcher(scalar(raw, option).trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw wrong(raw, option, OptionType.SIZE.expectation());
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit.charAt(0)) {
            case 'k' -> n * 1024;
            case 'm' -> n * 1024 * 1024;
            case 'g' -> n * 1024 * 1024 * 1024;
            default -> n;
        };
    }

    private static IllegalArgumentException wrong(Object raw, ConfigOption<?> option, String expected) {
        return new IllegalArgumentException("was '" + option.display(raw) + "' but it must be " + expected);
    }
}
