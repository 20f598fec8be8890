package lib.discover;

import com.google.gson.JsonObject;
import java.util.function.Consumer;
import lib.core.CozeApiException;
import lib.core.Json;
import lib.http.Bearer;
import lib.http.CozeHttp;

/**
 * Coze's cloud or a self-hosted Coze Studio, found out once when a personal token is stored: the
 * cloud says who the token belongs to (`/v1/users/me`); Studio has no such route, and its web server
 * answers a plain-text 404. On Studio the token is then checked with a call that needs it and changes
 * nothing (retrieving a conversation that does not exist): only an auth error means it is refused.
 */
public final class SiteProbe {
    /** What the site is, and who the token belongs to (null on Studio, which cannot say). */
    public record Found(boolean studio, Directory.Me me) {}

    private SiteProbe() {}

    /** studio: true or false when the user said (--site-kind), null to find out. Throws CozeApiException when the token is refused. */
    public static Found probe(String base, String token, Boolean studio, Consumer<String> debug) {
        CozeHttp http = new CozeHttp(base, Bearer.of(token), debug);
        if (studio == null) {
            CozeHttp.Reply me = http.send("GET", "/v1/users/me", null, token);
            studio = me.status() == 404 && me.json() == null;
            if (!studio) return new Found(false, me(CozeHttp.checkEnvelope(me)));
        }
        if (!studio) return new Found(false, new Directory(http).me());
        checkOnStudio(http);
        return new Found(true, null);
    }

    /** A Coze Studio's check of the token (it cannot say whose it is): throws when Studio refuses it, or cannot be asked. */
    public static void checkOnStudio(String base, String token, Consumer<String> debug) {
        checkOnStudio(new CozeHttp(base, Bearer.of(token), debug));
    }

    private static void checkOnStudio(CozeHttp http) {
        try {
            http.call("GET", "/v1/conversation/retrieve?conversation_id=0", null);
        } catch (CozeApiException e) {
            if (e.isAuthError()) throw e;
        }
    }

    /**
     * Whether the site lacks this route (a Coze Studio older than it), found with a call that needs
     * the token and changes nothing: a plain 404 means no such route; Coze's own error means there is one.
     */
    public static boolean lacks(CozeHttp http, String method, String pathAndQuery) {
        try {
            http.call(method, pathAndQuery, null);
        } catch (CozeHttp.NoSuchRoute e) {
            return true;
        } catch (CozeApiException e) {
            if (e.isAuthError()) throw e;
        }
        return false;
    }

    private static Directory.Me me(JsonObject envelope) {
        JsonObject o = Json.obj(envelope, "data");
        return new Directory.Me(Json.str(o, "user_id"), Json.str(o, "user_name"), Json.str(o, "nick_name"));
    }
}
