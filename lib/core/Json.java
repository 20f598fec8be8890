package lib.core;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;

/** Gson in the two ways the toolkit needs: strict whole-document parsing and small field reads. */
public final class Json {
    static final Gson GSON = new Gson();
    private static final TypeAdapter<JsonElement> ELEMENT = GSON.getAdapter(JsonElement.class);

    private Json() {}

    /** RFC 8259 only: no lenient extensions, exactly one value, nothing after it. */
    public static JsonElement parseStrict(String text) {
        try {
            return parseStrict(new StringReader(text));
        } catch (IOException e) {
            throw new JsonParseException(e.getMessage(), e);
        }
    }

    /** parseStrict as it is read (a big answer is never a String too); text that is not JSON is an IOException here as well. */
    public static JsonElement parseStrict(Reader in) throws IOException {
        try (JsonReader reader = new JsonReader(in)) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = ELEMENT.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) throw new JsonParseException("trailing data after the JSON value");
            return e;
        } catch (IllegalStateException e) {
            throw new JsonParseException(e.getMessage(), e);
        }
    }

    /**
     * An element as one line of JSON for stdout: Gson's text with DEL and the C1 controls escaped as
     * well (a terminal obeys U+009B as ESC [). Outside strings JSON is ASCII, so each such character is inside one.
     */
    public static String line(JsonElement e) {
        String s = e.toString();
        int i = 0;
        while (i < s.length() && !(s.charAt(i) >= 0x7f && s.charAt(i) <= 0x9f)) i++;
        if (i == s.length()) return s;
        StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x7f && c <= 0x9f) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    /**
     * The named top-level fields of an object as Json.str gives them, read in one pass without a tree:
     * the hot path of a long stream (one call per delta). Strict as parseStrict; null when not an object.
     */
    public static String[] strings(String text, String... names) {
        String[] values = new String[names.length];
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) return null;
            reader.beginObject();
            while (reader.hasNext()) {
                String name = reader.nextName();
                int i = names.length - 1;
                while (i >= 0 && !names[i].equals(name)) i--;
                JsonToken t = reader.peek();
                if (i < 0 || t == JsonToken.BEGIN_OBJECT || t == JsonToken.BEGIN_ARRAY) {
                    reader.skipValue();
                    if (i >= 0) values[i] = null;
                } else if (t == JsonToken.NULL) {
                    reader.nextNull();
                    values[i] = null;
                } else {
                    values[i] = t == JsonToken.BOOLEAN ? String.valueOf(reader.nextBoolean()) : reader.nextString();
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) throw new JsonParseException("trailing data after the JSON value");
            return values;
        } catch (IOException | IllegalStateException e) {
            throw new JsonParseException(e.getMessage(), e);
        }
    }

    public static JsonObject object(String text) {
        JsonElement e = parseStrict(text);
        if (!e.isJsonObject()) throw new JsonParseException("expected a JSON object");
        return e.getAsJsonObject();
    }

    /** An event's data as an object; an empty one when it is not one (an event is read for what it has). */
    public static JsonObject objectOrEmpty(String text) {
        try {
            JsonElement e = parseStrict(text);
            return e.isJsonObject() ? e.getAsJsonObject() : new JsonObject();
        } catch (JsonParseException e) {
            return new JsonObject();
        }
    }

    public static String str(JsonObject o, String name) {
        JsonElement e = o == null ? null : o.get(name);
        return e == null || e.isJsonNull() || !e.isJsonPrimitive() ? null : e.getAsString();
    }

    public static long num(JsonObject o, String name, long fallback) {
        JsonElement e = o == null ? null : o.get(name);
        if (e == null || !e.isJsonPrimitive()) return fallback;
        try {
            return e.getAsLong();
        } catch (NumberFormatException ex) {
            return fallback;
        }
    }

    public static JsonObject obj(JsonObject o, String name) {
        JsonElement e = o == null ? null : o.get(name);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }
}
