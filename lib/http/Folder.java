// The sources of lib/http/, for JBang. A command names this file instead of a glob such as lib/http/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES Bearer.java CozeHttp.java EnvProxySelector.java EventStream.java LimitedInput.java QuickExit.java Replies.java Retry.java SseParser.java Upload.java
