// The sources of lib/repl/, for JBang. A command names this file instead of a glob such as lib/repl/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES ChatRepl.java HistoryFile.java NativeTty.java Repl.java
