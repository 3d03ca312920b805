package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka Connect schema, written as Kafka's {@code JsonConverter} writes it with
 * {@code schemas.enable=true}: {@code type}, then {@code fields} / {@code items}, {@code optional},
 * {@code name}, {@code version}, {@code doc}, {@code parameters}, {@code default}, and {@code field}
 * when it is a struct's field. Immutable once built; thread-safe.
 */
public final class ConnectSchema {

    private final String type;
    private boolean optional;
    private String name;
    private Integer version;
    private String doc;
    private Map<String, String> parameters;
    private Object defaultValue;
    private final List<Map.Entry<String, ConnectSchema>> fields = new ArrayList<>();
    private ConnectSchema items;

    private ConnectSchema(String type) {
        this.type = type;
    }

    public static ConnectSchema of(String type) {
        return new ConnectSchema(type);
    }

    /** A named logical type of version 1 ({@code io.debezium.time.Date}, ...). */
    public static ConnectSchema named(String type, String name) {
        return of(type).name(name).version(1);
    }

    public static ConnectSchema array(ConnectSchema items) {
        ConnectSchema s = of("array");
        s.items = items;
        return s;
    }

    public ConnectSchema optional(boolean value) {
        this.optional = value;
        return this;
    }

    public ConnectSchema name(String value) {
        this.name = value;
        return this;
    }

    public ConnectSchema version(int value) {
        this.version = value;
        return this;
    }

    public ConnectSchema doc(String value) {
        this.doc = value;
        return this;
    }

    public ConnectSchema parameter(String key, String value) {
        if (parameters == null) {
            parameters = new LinkedHashMap<>();
        }
        parameters.put(key, value);
        return this;
    }

    public ConnectSchema defaultValue(Object value) {
        this.defaultValue = value;
        return this;
    }

    public ConnectSchema field(String fieldName, ConnectSchema schema) {
        fields.add(Map.entry(fieldName, schema));
        return this;
    }

    public String type() {
        return type;
    }

    /** The logical type's name, or null. */
    public String name() {
        return name;
    }

    /** Writes the schema; {@code fieldName} non-null when it is a struct's field. */
    public void write(JsonGenerator g, String fieldName) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        if (type.equals("struct")) {
            g.writeArrayFieldStart("fields");
            for (Map.Entry<String, ConnectSchema> f : fields) {
                f.getValue().write(g, f.getKey());
            }
            g.writeEndArray();
        }
        if (items != null) {
            g.writeFieldName("items");
            items.write(g, null);
        }
        g.writeBooleanField("optional", optional);
        if (name != null) {
            g.writeStringField("name", name);
        }
        if (version != null) {
            g.writeNumberField("version", version);
        }
        if (doc != null) {
            g.writeStringField("doc", doc);
        }
        if (parameters != null) {
            g.writeObjectFieldStart("parameters");
            for (Map.Entry<String, String> p : parameters.entrySet()) {
                g.writeStringField(p.getKey(), p.getValue());
            }
            g.writeEndObject();
        }
        if (defaultValue != null) {
            g.writeFieldName("default");
            if (defaultValue instanceof String s) {
                g.writeString(s);
            } else if (defaultValue instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (defaultValue instanceof Long l) {
                g.writeNumber(l);
            } else if (defaultValue instanceof Integer i) {
                g.writeNumber(i);
            } else if (defaultValue instanceof Double d) {
                g.writeNumber(d);
            } else {
                g.writeString(defaultValue.toString());
            }
        }
        if (fieldName != null) {
            g.writeStringField("field", fieldName);
        }
        g.writeEndObject();
    }
}
