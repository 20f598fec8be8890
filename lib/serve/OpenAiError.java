package lib.serve;

import com.google.gson.JsonObject;
import lib.core.CozeApiException;
import lib.core.CozeException;

/** A failed request as OpenAI's clients read it: an HTTP status and `{"error":{"message","type","code"}}`. */
public final class OpenAiError extends RuntimeException {
    public final int status;
    public final String type, code;

    public OpenAiError(int status, String type, String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    static OpenAiError badRequest(String message) {
        return new OpenAiError(400, "invalid_request_error", null, message);
    }

    static OpenAiError unknownModel(String model) {
        return new OpenAiError(404, "invalid_request_error", "model_not_found",
                "The model '" + model + "' does not exist: it is neither the id nor the name of a bot this login can see (GET /v1/models)");
    }

    /** A failure on the way to Coze, with the status that tells the client whether to retry, wait or log in. */
    static OpenAiError of(CozeException e) {
        String message = "coze: " + e.line();
        if (e instanceof CozeApiException api && api.code == 4200) return new OpenAiError(404, "invalid_request_error", "model_not_found", message);
        return switch (e.exitCode) {
            case CozeException.USAGE -> new OpenAiError(400, "invalid_request_error", null, message);
            case CozeException.RATE_LIMITED -> new OpenAiError(429, "rate_limit_error", "rate_limit_exceeded", message);
            // Not 401, which a client takes for its own key: coze-serve's login is what needs a person (the hint says how).
            case CozeException.AUTH -> new OpenAiError(503, "coze_login_needed", "login_needed", message);
            default -> new OpenAiError(502, "coze_error", null, message);
        };
    }

    JsonObject json() {
        JsonObject err = new JsonObject();
        err.addProperty("message", getMessage());
        err.addProperty("type", type);
        err.add("param", null);
        if (code == null) err.add("code", null);
        else err.addProperty("code", code);
        JsonObject o = new JsonObject();
        o.add("error", err);
        return o;
    }
}
