// The sources of lib/auth/, for JBang. A command names this file instead of a glob such as lib/auth/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES CozeOAuth.java Credentials.java DeviceFlow.java EnvServiceApp.java EnvToken.java JwtGrant.java LoopbackCallback.java Logout.java OAuthRefresh.java PersonLogin.java Pkce.java PrivateFiles.java Redirect.java RefreshRehearsal.java Renewal.java Reservation.java ServiceAppKey.java ServiceAppLogin.java StoredLogin.java TokenStore.java
