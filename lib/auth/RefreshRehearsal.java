package lib.auth;

import lib.core.ArchiveTraining;
import lib.http.CozeHttp;

/** coze-login's and coze-refresh's rehearsal for the class archive (see ArchiveTraining): one token refresh. */
public final class RefreshRehearsal {
    private RefreshRehearsal() {}

    public static void run() {
        ArchiveTraining.ifArchiving("application/json", "{\"access_token\":\"training\",\"refresh_token\":\"training\","
                + "\"expires_in\":900,\"token_type\":\"Bearer\"}",
                base -> new CozeOAuth(new CozeHttp(base, null)).refresh("training", "training"));
    }
}
