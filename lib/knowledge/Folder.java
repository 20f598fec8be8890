// The sources of lib/knowledge/, for JBang. A command names this file instead of a glob such as lib/knowledge/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES DocumentSource.java Knowledge.java KnowledgeOutput.java Uploads.java
