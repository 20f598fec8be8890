package lib.mcp;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import java.util.Map;
import lib.core.CozeException;

/** One call's arguments (as Gson reads them), its exchange for progress, and its request id for cancellation. */
record McpCall(JsonObject args, McpSyncServerExchange exchange, Map<String, Object> meta) {
    String str(String key) {
        JsonElement e = args.get(key);
        if (e == null || e.isJsonNull()) return null;
        String s = e.isJsonPrimitive() ? e.getAsString() : e.toString();
        return s.isBlank() ? null : s.strip();
    }

    String required(String key) {
        String s = str(key);
        if (s == null) throw new CozeException(CozeException.USAGE, key + " is required");
        return s;
    }

    int integer(String key, int otherwise) {
        JsonElement e = args.get(key);
        try {
            return e == null || e.isJsonNull() ? otherwise : e.getAsInt();
        } catch (RuntimeException notANumber) {
            throw new CozeException(CozeException.USAGE, key + " must be a whole number");
        }
    }

    Object progressToken() {
        return meta == null ? null : meta.get("progressToken");
    }

    String requestId() {
        return meta == null ? null : (String) meta.get(Requests.ID_KEY);
    }
}
