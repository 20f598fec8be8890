import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lib.core.Json;
import mock.MockServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Fidelity: the official Node SDK (@coze/api, pinned in tests/sdk/package-lock.json) logs in with
 * PKCE, refreshes, streams and polls chats against coze-mock without knowing it is not Coze.
 */
class SdkTest {
    static final Path SDK = TestSupport.ROOT.resolve("tests/sdk");

    @Test
    void theOfficialNodeSdkWorksAgainstTheMock() throws Exception {
        Assumptions.assumeTrue(TestSupport.onPath("node") && TestSupport.onPath("npm") || System.getenv("CI") != null,
                "Node.js is not installed (CI installs it)");
        if (!Files.isDirectory(SDK.resolve("node_modules/@coze/api")))
            assertEquals(0, TestSupport.runIn(SDK, List.of("npm", "ci", "--no-audit", "--no-fund"), 300).exit, "npm ci");
        MockServer.Config config = new MockServer.Config();
        config.autoApprove = true;
        MockServer mock = MockServer.start(config);
        try {
            TestSupport.Result r = TestSupport.runIn(SDK, List.of("node", "check.mjs", mock.baseUrl()), 120);
            assertEquals(0, r.exit, r.toString());
            JsonObject seen = Json.object(r.out.strip());

            JsonObject callback = seen.getAsJsonObject("callback");
            assertEquals(302, callback.get("status").getAsInt());
            assertEquals("sdk-state", Json.str(callback, "state"));
            assertEquals("invalid_grant", Json.str(seen.getAsJsonObject("wrongVerifier"), "error"), "a wrong verifier is refused");
            JsonObject token = seen.getAsJsonObject("token");
            assertEquals("Bearer", Json.str(token, "type"));
            assertTrue(token.get("absoluteExpiry").getAsBoolean(), "expires_in is a Unix time, as Coze sends it");
            assertTrue(seen.get("rotated").getAsBoolean(), "refresh rotates both tokens");
            assertEquals("invalid_grant", Json.str(seen.getAsJsonObject("reuse"), "error"), "a used refresh token is refused");
            assertEquals(1, mock.count("reuse_detected"));

            List<String> events = seen.getAsJsonArray("events").asList().stream().map(e -> e.getAsString()).toList();
            assertEquals(List.of("conversation.chat.created", "conversation.chat.in_progress"), events.subList(0, 2));
            assertEquals(List.of("conversation.chat.completed", "done"), events.subList(events.size() - 2, events.size()));
            assertTrue(events.contains("conversation.message.delta") && events.contains("conversation.message.completed"), events.toString());
            assertEquals(Json.str(seen, "sent"), Json.str(seen, "answer"), "the SDK reassembles the streamed answer exactly");
            assertTrue(seen.getAsJsonObject("usage").get("token_count").getAsInt() > 0);

            JsonObject polled = seen.getAsJsonObject("polled");
            assertEquals("completed", Json.str(polled, "status"));
            assertEquals("[\"polled\"]", polled.get("answers").toString(), "createAndPoll (POST retrieve, message list) works");
            assertEquals(4, seen.getAsJsonArray("history").size(), "two questions and two answers in the conversation");
            assertEquals("NotFoundError", Json.str(seen.getAsJsonObject("unknownBot"), "name"));
            assertEquals(4200, seen.getAsJsonObject("unknownBot").get("code").getAsInt());
            assertEquals("AuthenticationError", Json.str(seen.getAsJsonObject("badToken"), "name"));
        } finally {
            mock.stop();
        }
    }
}
