// The sources of lib/serve/, for JBang. A command names this file instead of a glob such as lib/serve/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES Completion.java Models.java OpenAiError.java OpenAiServer.java Parts.java Reply.java
