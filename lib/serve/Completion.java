package lib.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.util.ArrayList;
import java.util.List;
import lib.core.Json;

/**
 * One chat-completions request as Coze takes it: `model` names the bot, the last message is the
 * question and the user and assistant turns before it travel as Coze's additional_messages. System
 * and developer messages are left out: a bot's prompt is set on Coze, and the one many clients send
 * on their own ("You are a helpful assistant") would only talk over it. The question's image, audio
 * and file parts go with it; those of earlier turns are left out (they would go up again each turn).
 */
record Completion(String model, String question, List<Parts.Part> parts, JsonArray history, String user, boolean stream,
                  boolean includeUsage) {
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
        List<Parts.Part> parts = new ArrayList<>();
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
                    boolean asked = last && role.equals("user");
                    String text = text(m, i, asked ? parts : null);
                    if (asked) question = text;
                    else if (last) throw OpenAiError.badRequest("the last message must be the user's");
                    else history.add(turn(role, text));
                }
                default -> throw OpenAiError.badRequest("messages[" + i + "]: role '" + role
                        + "' is not supported (Coze bots call their own plugins; only system, user and assistant messages are)");
            }
        }
        JsonObject options = req.has("stream_options") && req.get("stream_options").isJsonObject() ? req.getAsJsonObject("stream_options") : null;
        return new Completion(model.strip(), question, List.copyOf(parts), history, string(req, "user"), bool(req, "stream"),
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

    /** A message's content: a string, or its text parts joined (OpenAI's array form); the other parts into `parts`, or left out when null. */
    private static String text(JsonObject m, int i, List<Parts.Part> parts) {
        JsonElement c = m.get("content");
        if (c != null && c.isJsonPrimitive() && c.getAsJsonPrimitive().isString()) return c.getAsString();
        if (c == null || !c.isJsonArray()) throw OpenAiError.badRequest("messages[" + i + "].content must be a string or an array of parts");
        StringBuilder text = new StringBuilder();
        for (JsonElement p : c.getAsJsonArray()) {
            JsonObject part = p.isJsonObject() ? p.getAsJsonObject() : new JsonObject();
            String type = String.valueOf(string(part, "type"));
            if (type.equals("text") && string(part, "text") != null) text.append(string(part, "text"));
            else if (parts != null) parts.add(part(part, type, i));
            else if (!List.of("image_url", "input_audio", "file").contains(type))
                throw OpenAiError.badRequest("messages[" + i + "]: a part of type '" + type + "' is not supported");
        }
        return text.toString();
    }

    /** image_url (a link or a data URL), input_audio (base64 and its format) or file (a data URL and its name). */
    private static Parts.Part part(JsonObject part, String type, int i) {
        JsonObject inner = part.has(type) && part.get(type).isJsonObject() ? part.getAsJsonObject(type) : new JsonObject();
        String url = switch (type) {
            case "image_url" -> string(inner, "url");
            case "input_audio" -> string(inner, "data") == null ? null
                    : "data:audio/" + String.valueOf(string(inner, "format")).replaceAll("[^a-z0-9]", "") + ";base64," + string(inner, "data");
            case "file" -> string(inner, "file_data") == null || string(inner, "file_data").startsWith("data:") ? string(inner, "file_data")
                    : "data:application/octet-stream;base64," + string(inner, "file_data");
            default -> throw OpenAiError.badRequest("messages[" + i + "]: a part of type '" + type + "' is not supported");
        };
        if (url == null || !(url.startsWith("https://") || url.startsWith("http://") || url.regionMatches(true, 0, "data:", 0, 5)))
            throw OpenAiError.badRequest("messages[" + i + "]: a " + type + " part needs a link or a data URL"
                    + (type.equals("file") ? " in file_data (OpenAI's file ids mean nothing to Coze)" : ""));
        String coze = type.equals("image_url") ? "image" : type.equals("input_audio") ? "audio" : "file";
        return new Parts.Part(coze, url, type.equals("file") ? string(inner, "filename") : null);
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
