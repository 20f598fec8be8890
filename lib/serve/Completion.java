package lib.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import lib.core.Json;

/**
 * One chat-completions request as Coze takes it: `model` names the bot, the last message is the
 * question and the user and assistant turns before it travel as Coze's additional_messages. System
 * and developer messages are left out: a bot's prompt is set on Coze, and the one many clients send
 * on their own ("You are a helpful assistant") would only talk over it.
 */
record Completion(String model, String question, JsonArray history, String user, boolean stream, boolean includeUsage) {
    static Completion parse(String body) {
        JsonObject req;
        try {
            req = Json.object(body);
        } catch (JsonParseException e) {
            throw OpenAiError.badRequest("the body is not a JSON object: " + e.getMessage());
        }
        String model = string(req, "model");
        if (model == null || model.isBlank()) throw OpenAiError.badRequest("'model' is required: a bot's id or name (GET /v1/models)");
        JsonElement messages = req.get("messages");
        if (messages == null || !messages.isJsonArray() || messages.getAsJsonArray().isEmpty())
            throw OpenAiError.badRequest("'messages' must be a non-empty array");
        JsonArray history = new JsonArray();
        String question = null;
        JsonArray all = messages.getAsJsonArray();
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).isJsonObject()) throw OpenAiError.badRequest("messages[" + i + "] is not an object");
            JsonObject m = all.get(i).getAsJsonObject();
            String role = String.valueOf(string(m, "role"));
            boolean last = i == all.size() - 1;
            switch (role) {
                case "system", "developer" -> {
                    if (last) throw OpenAiError.badRequest("the last message must be the user's");
                }
                case "user", "assistant" -> {
                    String text = text(m, i);
                    if (last && role.equals("user")) question = text;
                    else if (last) throw OpenAiError.badRequest("the last message must be the user's");
                    else history.add(turn(role, text));
                }
                default -> throw OpenAiError.badRequest("messages[" + i + "]: role '" + role
                        + "' is not supported (Coze bots call their own plugins; only system, user and assistant messages are)");
            }
        }
        JsonObject options = req.has("stream_options") && req.get("stream_options").isJsonObject() ? req.getAsJsonObject("stream_options") : null;
        return new Completion(model.strip(), question, history, string(req, "user"), bool(req, "stream"),
                options != null && bool(options, "include_usage"));
    }

    /** What goes into the body of Coze's chat beside the question. */
    JsonObject fields() {
        JsonObject f = new JsonObject();
        if (!history.isEmpty()) f.add("additional_messages", history);
        return f;
    }

    private static JsonObject turn(String role, String text) {
        JsonObject t = new JsonObject();
        t.addProperty("role", role);
        t.addProperty("type", role.equals("user") ? "question" : "answer");
        t.addProperty("content", text);
        t.addProperty("content_type", "text");
        return t;
    }

    /** A message's content: a string, or text parts joined (OpenAI's array form). */
    private static String text(JsonObject m, int i) {
        JsonElement c = m.get("content");
        if (c != null && c.isJsonPrimitive() && c.getAsJsonPrimitive().isString()) return c.getAsString();
        if (c == null || !c.isJsonArray()) throw OpenAiError.badRequest("messages[" + i + "].content must be a string or an array of parts");
        StringBuilder text = new StringBuilder();
        for (JsonElement p : c.getAsJsonArray()) {
            JsonObject part = p.isJsonObject() ? p.getAsJsonObject() : new JsonObject();
            if (!"text".equals(string(part, "type")) || string(part, "text") == null)
                throw OpenAiError.badRequest("messages[" + i + "]: only text parts are supported, not '" + string(part, "type") + "'");
            text.append(string(part, "text"));
        }
        return text.toString();
    }

    private static String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    private static boolean bool(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }
}
