import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import lib.auth.TokenStore;
import mock.MockServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** coze-login with a real browser: Debian's Chromium, driven through Selenium, clicks Authorize on the mock's consent page. */
class BrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium"), CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Selenium warns that it has no DevTools bindings for this Chromium; the test does not use them. */
    static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");

    static {
        SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    @Test
    void loginInARealBrowser() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER) || System.getenv("CI") != null,
                "chromium and chromium-driver are not installed (CI installs them)");
        MockServer mock = TestSupport.mock();
        Path home = TestSupport.tempHome();
        Path dir = Files.createTempDirectory("coze-real-browser");
        Path handedOver = dir.resolve("url");
        Path browser = TestSupport.urlRecordingBrowser(handedOver);
        int port = TestSupport.freePort();
        TestSupport.Running login = TestSupport.script(CozeLogin.class, home, "--client-id", "c.app.coze",
                "--redirect-uri", "http://localhost:" + port + "/callback", "--timeout", "60s")
                .api(mock).env("BROWSER", browser.toString()).start();
        WebDriver chromium = chromium(dir);
        try {
            chromium.get(TestSupport.handedOverUrl(handedOver, login));
            assertTrue(chromium.getPageSource().contains("asks to use your Coze account"), chromium.getPageSource());
            chromium.findElement(By.id("authorize")).click();
            new WebDriverWait(chromium, Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().startsWith("http://localhost:" + port + "/callback"));
            String page = chromium.findElement(By.tagName("body")).getText();
            assertTrue(page.contains("Login complete, you can close this tab"), page);
            TestSupport.Result r = login.finish();
            assertEquals(0, r.exit, r.toString());
            assertTrue(r.err.contains("Logged in to"), r.err);
            TokenStore.Login stored = new TokenStore(home, w -> {}).load();
            assertEquals("c.app.coze", stored.clientId());
            assertFalse(page.contains(stored.accessToken()) || r.err.contains(stored.accessToken()), "no token shown");
            assertEquals(1, mock.count("token.authorization_code"));
        } finally {
            chromium.quit();
            login.process.destroyForcibly();
            mock.stop();
        }
    }

    /** Headless, as root in CI, with nothing that reaches for the network this machine does not have. */
    private static WebDriver chromium(Path dir) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .withLogOutput(java.io.OutputStream.nullOutputStream()).build();
        return new ChromeDriver(service, options);
    }

}
