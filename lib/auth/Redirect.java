package lib.auth;

import java.util.Map;

/**
 * Coze's redirect back after the browser login, read one way for the loopback callback and for an
 * address the user pasted: the state first (a redirect for another login is never acted on, not even
 * its `error`), then `error`, then the code.
 */
public record Redirect(Kind kind, String code, String error) {
    public enum Kind { WRONG_STATE, ERROR, NO_CODE, CODE }

    /** Never the code: a value may end up in a message or a log. */
    @Override
    public String toString() {
        return "Redirect[" + kind + (error == null ? "" : ", error=" + error) + "]";
    }

    public static Redirect read(String expectedState, Map<String, String> query) {
        if (!Pkce.sameSecret(expectedState, query.get("state"))) return new Redirect(Kind.WRONG_STATE, null, null);
        if (query.containsKey("error")) return new Redirect(Kind.ERROR, null, query.get("error"));
        String code = query.get("code");
        if (code == null || code.isEmpty()) return new Redirect(Kind.NO_CODE, null, null);
        return new Redirect(Kind.CODE, code, null);
    }
}
