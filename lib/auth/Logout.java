package lib.auth;

import java.util.concurrent.Callable;
import lib.core.CozeCli;
import lib.core.CozeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `coze-login logout`: the stored login removed from this machine, under the lock; Coze is not told. */
@Command(name = "logout", mixinStandardHelpOptions = true, versionProvider = CozeCli.Version.class,
        description = "Remove the stored login from this machine (Coze itself is not told).")
public final class Logout implements Callable<Integer> {
    @Mixin
    CozeCli.Common common;

    @Override
    public Integer call() {
        TokenStore store = new TokenStore(CozeConfig.home(), common.warnSink());
        TokenStore.Login login;
        try (PrivateFiles.Held held = store.lock()) {
            login = store.load();
            if (login != null) store.remove();
        }
        if (login == null) common.say("Not logged in; nothing to remove.");
        else common.say("Removed the " + CozeConfig.shortName(login.apiBase()) + " login (" + store.file() + ").");
        if (System.getenv("COZE_API_TOKEN") != null) common.say("Note: COZE_API_TOKEN is still set in your environment.");
        return 0;
    }
}
