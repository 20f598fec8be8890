package lib.auth;

import lib.core.CozeException;

/**
 * How a kind of stored login gets a new access token once its own is stale or was rejected, called
 * by StoredLogin under the cross-process lock with room for the save reserved. One implementation
 * per kind that can renew: an OAuth login (browser or device) refreshes, a service app signs a new
 * grant (JwtGrant); a personal token cannot.
 */
interface Renewal {
    /** The login to save in place of `current`, or a CozeException (having saved an ended login in `space` if Coze ended it). */
    TokenStore.Login renew(TokenStore.Login current, Reservation space);

    /** What the user is told when the renewed login could not be saved (`why`: the save's failure). */
    CozeException unsaved(CozeException why);
}
