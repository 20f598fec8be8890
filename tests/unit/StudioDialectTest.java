import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lib.auth.Credentials;
import lib.auth.TokenStore;
import lib.core.CozeApiException;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.workflow.WorkflowRun;
import org.junit.jupiter.api.Test;

/** The pieces of Coze Studio's dialect: its interrupt question, its error code, the site kept with a login, plain http:// consent. */
class StudioDialectTest {
    @Test
    void theQuestionInInterruptDataIsReadHoweverItIsWrapped() {
        assertEquals("Which city?", WorkflowRun.question("{\"question\":\"Which city?\"}"));
        assertEquals("Which city?", WorkflowRun.question("{\"content\":\"Which city?\",\"content_type\":\"text\"}"));
        assertEquals("Which city?", WorkflowRun.question("\"Which city?\""), "a JSON string");
        assertEquals("Which city?", WorkflowRun.question("Which city?"), "not JSON: as it came");
        assertEquals("{\"options\":[1]}", WorkflowRun.question("{\"options\":[1]}"), "no question field: the whole text");
        assertNull(WorkflowRun.question(null));
        assertNull(WorkflowRun.question(" "));
    }

    @Test
    void studiosTokenErrorIsLoginNeededWithItsMessage() {
        CozeApiException e = new CozeApiException(700012006, "authentication failed: the API key is invalid", 200, null);
        assertEquals(CozeException.AUTH, e.exitCode);
        assertTrue(e.isAuthError(), "a fresh token may help");
        assertTrue(e.line().startsWith("authentication failed: the API key is invalid (700012006)"), e.line());
    }

    @Test
    void anotherAccountsBotOnStudioGetsAHintThatSaysSo() {
        CozeApiException e = new CozeApiException(4000, "agent not match", 200, null);
        assertTrue(e.line().contains("token of the account that made the bot") && e.line().contains("API channel"), e.line());
    }

    @Test
    void theSiteKindAndTheConsentAreKeptAndOldFilesReadAsTheCloud() throws Exception {
        Path home = TestSupport.tempHome();
        TokenStore store = new TokenStore(home, w -> {});
        TokenStore.Login pat = new TokenStore.Login("pat", "http://192.168.1.20:8888", null, "pat_x", null, 0, "u1");
        store.save(pat.on(new TokenStore.Site(TokenStore.Site.STUDIO, true)));
        TokenStore.Login back = store.load();
        assertTrue(back.site().studio());
        assertTrue(back.site().insecureHttp());
        assertEquals(back, back.inWorkspace(null), "a copy keeps the site");

        Files.writeString(store.file(), "{\"kind\":\"pat\",\"api_base\":\"https://api.coze.cn\",\"access_token\":\"pat_y\","
                + "\"expires_at\":0,\"user_id\":\"u1\"}\n", StandardCharsets.UTF_8);
        assertEquals(TokenStore.Site.CLOUD, store.load().site(), "a file from before the field: the cloud, no consent");
        assertFalse(Files.readString(store.file()).contains("site_kind"));
        store.save(store.load());
        assertFalse(Files.readString(store.file()).contains("site_kind"), "the cloud's file stays as it was");

        Files.writeString(store.file(), "{\"kind\":\"pat\",\"api_base\":\"https://api.coze.cn\",\"access_token\":\"pat_y\","
                + "\"expires_at\":0,\"user_id\":\"u1\",\"site_kind\":\"moon\"}\n", StandardCharsets.UTF_8);
        assertThrows(CozeException.class, store::load, "an unknown kind is a corrupt file, moved aside");
    }

    @Test
    void plainHttpOffThisMachineIsUsedOnlyWithConsentAndSaidEachTime() {
        assertTrue(CozeConfig.inClear("http://192.168.1.20:8888"));
        assertTrue(CozeConfig.inClear("http://0.0.0.0:8888"));
        assertFalse(CozeConfig.inClear("http://localhost:8888"));
        assertFalse(CozeConfig.inClear("http://127.0.0.1:8888"));
        assertFalse(CozeConfig.inClear("https://studio.example.test"));

        Path home = tempHome();
        List<String> warnings = new ArrayList<>();
        TokenStore store = new TokenStore(home, warnings::add);
        Credentials creds = new Credentials(store, Map.of(), null);
        TokenStore.Login pat = new TokenStore.Login("pat", "http://192.168.1.20:8888", null, "pat_x", null, 0, "u1");
        store.save(pat.on(new TokenStore.Site(TokenStore.Site.STUDIO, false)));
        CozeException refused = assertThrows(CozeException.class, () -> creds.apiBase(null, false));
        assertEquals(CozeException.USAGE, refused.exitCode);
        assertTrue(refused.line().contains("--insecure-http"), refused.line());

        store.save(pat.on(new TokenStore.Site(TokenStore.Site.STUDIO, true)));
        assertEquals("http://192.168.1.20:8888", creds.apiBase(null, false));
        assertEquals("http://192.168.1.20:8888", creds.apiBase("http://192.168.1.20:8888/", false), "the same base, given again");
        assertThrows(CozeException.class, () -> creds.apiBase("http://192.168.1.21:8888", false), "the consent is for its base only");
        assertEquals(2, warnings.size(), "one warning each time: " + warnings);
        assertTrue(warnings.get(0).contains("travels in clear"), warnings.get(0));
        assertFalse(warnings.get(0).contains("pat_x"));
    }

    private static Path tempHome() {
        try {
            return TestSupport.tempHome();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
