package lib.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import java.util.List;

/** `--param` (and `--var`) KEY=VALUE options as a JSON object: a VALUE that parses as JSON is that JSON (3, true, [1,2]), else a string (北京). */
public final class Params {
    private Params() {}

    public static JsonObject parse(List<String> pairs) {
        return parse(pairs, "--param");
    }

    /** `option` names the flag the pairs came from, for the hint (--var or --param). */
    public static JsonObject parse(List<String> pairs, String option) {
        JsonObject o = new JsonObject();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0)
                throw new CozeException(CozeException.USAGE, "'" + pair + "' is not KEY=VALUE",
                        "e.g. " + option + " city=北京 " + option + " days=3");
            o.add(pair.substring(0, eq), value(pair.substring(eq + 1)));
        }
        return o;
    }

    public static JsonElement value(String text) {
        try {
            return Json.parseStrict(text);
        } catch (JsonParseException notJson) {
            return new JsonPrimitive(text);
        }
    }
}
