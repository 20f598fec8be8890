import java.nio.file.Path;
import lib.auth.TokenStore;

/** A child process for the kill-mid-write test: saves logins numbered from args[1] up, as fast as it can until killed. */
public class TokenWriter {
    public static void main(String... args) {
        TokenStore store = new TokenStore(Path.of(args[0]), w -> {});
        for (int i = Integer.parseInt(args[1]); ; i++) store.save(login(i));
    }

    /** Login number i: every field says i, and the sizes vary, so a mix of two writes cannot parse as either. */
    static TokenStore.Login login(int i) {
        String pad = "x".repeat(i * 37 % 4000);
        return new TokenStore.Login("pkce", "https://api.coze.cn", "c.app.coze", "at-" + i + "-" + pad,
                "rt-" + i + "-" + pad, 2_000_000_000L + i, "u-" + i);
    }
}
