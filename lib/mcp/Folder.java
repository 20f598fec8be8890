// The sources of lib/mcp/, for JBang. A command names this file instead of a glob such as lib/mcp/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES Collected.java CozeTools.java McpCall.java McpServe.java Requests.java
