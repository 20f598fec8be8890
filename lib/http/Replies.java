package lib.http;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import lib.core.CozeException;
import lib.core.Json;

/** What came back to a request, or did not: an answer read within its limits, a failure as the user sees it. */
final class Replies {
    private Replies() {}

    static final int MAX_ERROR_BODY = 1 << 20;
    /**
     * A successful answer can be big (a workflow's whole output, a page of long messages): it is parsed as
     * it is read, up to what the commands' 64 MB heap holds while Gson builds one string that long.
     */
    static final int MAX_BODY = 16 << 20;

    static CozeException proxyRefused() {
        return new CozeException(CozeException.NETWORK, "the proxy refused the request (HTTP 407, proxy authentication required)",
                "put the proxy's user and password in HTTPS_PROXY, as http://user:password@host:port");
    }

    /** A request that got no answer, as the user sees it. */
    static CozeException failed(HttpRequest req, Throwable e) {
        if (e instanceof HttpConnectTimeoutException)
            return new CozeException(CozeException.NETWORK, "timed out connecting to " + req.uri().getHost(), null, new ConnectException(e.getMessage()));
        if (e instanceof HttpTimeoutException)
            return new CozeException(CozeException.NETWORK, "no answer from " + req.uri().getHost() + " within " + CozeHttp.RESPONSE_TIMEOUT.toSeconds() + " s", null, e);
        if (e instanceof ConnectException)
            return new CozeException(CozeException.NETWORK, "cannot connect to " + req.uri().getHost() + ":" + port(req.uri()), null, e);
        // The JDK's word for a proxy that kept refusing the credentials it was given.
        if (String.valueOf(e.getMessage()).startsWith("too many authentication attempts")) return Replies.proxyRefused();
        return new CozeException(CozeException.NETWORK, "connection to " + req.uri().getHost() + " failed: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), null, e);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    }

    /** The answer as a Reply, read up to its limit (MAX_BODY, or MAX_ERROR_BODY for an error). */
    static CozeHttp.Reply read(HttpResponse<InputStream> r) {
        String logId = r.headers().firstValue("x-tt-logid").orElse(null);
        boolean success = r.statusCode() / 100 == 2;
        LimitedInput body = new LimitedInput(r.body() != null ? r.body() : InputStream.nullInputStream(), // none after a refused CONNECT
                success ? MAX_BODY : MAX_ERROR_BODY);
        JsonElement parsed = null;
        try (Reader in = new InputStreamReader(body, StandardCharsets.UTF_8)) {
            parsed = Json.parseStrict(in);
        } catch (IOException | JsonParseException notJson) {
            if (body.lost != null)
                throw new CozeException(CozeException.NETWORK, "connection lost while reading Coze's answer: " + body.lost.getMessage(), null, body.lost);
            if (body.tooLarge && success)
                throw new CozeException(CozeException.FAILED, "Coze's answer is larger than " + (MAX_BODY >> 20) + " MiB, more than this command reads");
            // An HTML error page from a proxy or gateway, or an error body beyond its limit: the status decides.
        }
        return new CozeHttp.Reply(r.statusCode(), logId, parsed != null && parsed.isJsonObject() ? parsed.getAsJsonObject() : null);
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Closing an abandoned response cannot lose anything the user sees.
        }
    }
}
