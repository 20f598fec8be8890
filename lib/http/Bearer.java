package lib.http;

/**
 * Who requests go out as, for one site: the bearer token to send now, and a fresh one once Coze has
 * rejected it. Each kind of login is one of these (lib/auth); CozeHttp asks for a fresh token once
 * per call, whatever the call.
 */
public interface Bearer {
    /** A token to send now (refreshed first when it is about to expire), or null to send none. */
    String token();

    /** Called once after Coze rejected `rejected`: a fresh token, or a CozeException saying how to log in again. */
    String afterRejection(String rejected);

    /** No Authorization header: the token endpoint, which takes codes and refresh tokens in its body. */
    Bearer NONE = of(null);

    /** One token and nothing fresher: a token being checked before it is stored. */
    static Bearer of(String token) {
        return new Bearer() {
            @Override
            public String token() {
                return token;
            }

            @Override
            public String afterRejection(String rejected) {
                return null;
            }
        };
    }
}
