package lib.auth;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import lib.core.CozeException;
import lib.core.Input;
import lib.core.Os;
import lib.core.Terminal;
import lib.core.Urls;

/**
 * The OAuth logins a person does at coze-login, with PKCE in a browser or with a device code: what
 * they are told on stderr, and Coze's answer turned into tokens (or a one-line refusal).
 */
public final class PersonLogin {
    private final CozeOAuth oauth;
    private final String base;
    private final String clientId;
    private final CozeCli.Common common;
    /** The workspace the login is scoped to, or null for the whole account. */
    private final String workspace;

    public PersonLogin(CozeOAuth oauth, String base, String clientId, String workspace, CozeCli.Common common) {
        this.oauth = oauth;
        this.base = base;
        this.clientId = clientId;
        this.workspace = workspace;
        this.common = common;
    }

    /** In a browser: a loopback callback catches Coze's redirect, or (paste) the user pastes the address it went to. */
    public CozeOAuth.Token browser(URI redirectUri, boolean paste, boolean noBrowser, Duration timeout) throws IOException {
        Pkce pkce = Pkce.create();
        String state = Pkce.randomToken();
        String url = CozeOAuth.authorizeUrl(base, clientId, redirectUri.toString(), state, pkce.challenge(), workspace);
        Redirect answer;
        if (paste) {
            common.err().println("Open this address in a browser, approve, then paste the address the browser ends up on"
                    + " (it may show an error page; that is fine):\n\n  " + url + "\n");
            answer = pastedAnswer(state);
        } else {
            try (LoopbackCallback callback = LoopbackCallback.start(redirectUri, state, common.warnSink())) {
                common.err().println("Open this address to log in to " + CozeConfig.shortName(base) + ":\n\n  " + url + "\n");
                if (!noBrowser) openBrowser(url);
                common.say("Waiting for the browser (up to " + CozeCli.human(timeout.toSeconds()) + "; Ctrl-C to stop)…");
                answer = callback.await(timeout);
            }
        }
        if (answer.kind() == Redirect.Kind.ERROR)
            throw new CozeException(CozeException.AUTH, "access_denied".equals(answer.error()) ? "the login was denied in the browser"
                    : "Coze refused the login: " + answer.error(), "run coze-login again");
        return oauth.exchangeCode(clientId, answer.code(), redirectUri.toString(), pkce.verifier());
    }

    /** Far above any redirect address; a paste of more is not one. */
    static final int MAX_PASTED_BYTES = 64 << 10;

    /** The address the browser ended on, asked for again after a paste that is not it (a slip of the mouse costs no new login). */
    private Redirect pastedAnswer(String state) throws IOException {
        while (true) {
            common.err().print("Address: ");
            common.err().flush();
            String line = Input.line(System.in, MAX_PASTED_BYTES, "the pasted address");
            if (line == null) throw new CozeException(CozeException.AUTH, "nothing was pasted", "run coze-login again");
            String why = line.isBlank() ? "nothing was pasted" : null;
            Redirect answer = null;
            if (why == null) {
                try {
                    answer = Redirect.read(state, Urls.query(URI.create(line.strip()).getRawQuery()));
                } catch (IllegalArgumentException e) {
                    why = "that is not an address";
                }
            }
            if (answer != null) {
                switch (answer.kind()) {
                    case ERROR, CODE -> {
                        return answer;
                    }
                    case WRONG_STATE -> why = "that address does not belong to this login (wrong or missing state): is it from an earlier attempt?";
                    case NO_CODE -> why = "that address has no authorization code";
                }
            }
            common.err().println(why + "; paste the whole address from the browser's address bar (Ctrl-C to stop)");
        }
    }

    /** With a device code, approved on any device. */
    public CozeOAuth.Token device(Duration pollInterval, Duration timeout) {
        CozeOAuth.DeviceCode dc = oauth.deviceCode(clientId, workspace);
        common.err().println(Terminal.visible("Open " + dc.verificationUrl() + "\nand enter the code:  " + dc.userCode() + "\n"));
        return DeviceFlow.await(dc, () -> oauth.pollDevice(clientId, dc.deviceCode()), pollInterval, timeout, DeviceFlow.Clock.SYSTEM);
    }

    /** Opens the system browser, never a text browser over SSH; the URL is always printed too. */
    private void openBrowser(String url) {
        Os.Browser browser = Os.current().browserFor(url);
        if (browser.command() == null) {
            common.say(browser.whyNot());
            return;
        }
        try {
            new ProcessBuilder(browser.command()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            common.say("Could not start a browser (" + browser.command().get(0) + "): open the address above yourself.");
        }
    }
}
