import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import lib.auth.TokenStore;
import mock.MockFaults;
import mock.MockServer;

/**
 * The two ways coze-mock speaks, for the end-to-end cases that run against both: Coze's cloud, and a
 * self-hosted Coze Studio (`--studio`). A user of the cloud here gives `COZE_API_TOKEN`; a user of
 * Studio has logged in with `coze-login --with-token`, which kept the site's kind with the login.
 */
enum Dialect {
    CLOUD, STUDIO;

    /**
     * The mock a test of this dialect talks to: for the cloud, MockHome's `cloud` itself; for Studio,
     * `cloud` stopped and a Studio in its place (with the same faults to come), `home` logged in to it.
     */
    MockServer serve(MockServer cloud, Path home) throws IOException {
        if (this == CLOUD) return cloud;
        MockServer studio = swap(cloud);
        new TokenStore(home, w -> {}).save(new TokenStore.Login("pat", studio.baseUrl(), null, TestSupport.PAT, null, 0, "u-studio")
                .on(new TokenStore.Site(TokenStore.Site.STUDIO, false)));
        return studio;
    }

    /** MockHome's `cloud` for the cloud; for Studio, `cloud` stopped and a Studio that accepts TestSupport.PAT in its place. */
    MockServer swap(MockServer cloud) throws IOException {
        if (this == CLOUD) return cloud;
        cloud.stop();
        return studio(null);
    }

    /** A Studio that accepts TestSupport.PAT, of this release (`0.2.0`; null for the current one), with these faults. */
    static MockServer studio(String version, String... faults) throws IOException {
        MockServer.Config c = new MockServer.Config();
        c.pats.add(TestSupport.PAT);
        c.faults = MockFaults.parse(List.of(faults));
        c.studio = true;
        c.studioVersion = version;
        return MockServer.start(c);
    }

    /** The script with this dialect's credentials: the token in the environment, or the stored Studio login. */
    TestSupport.Script signedIn(TestSupport.Script script) {
        return this == CLOUD ? script.pat() : script;
    }
}
