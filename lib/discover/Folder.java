// The sources of lib/discover/, for JBang. A command names this file instead of a glob such as lib/discover/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES BotNames.java Directory.java Listing.java LoginStatus.java SiteProbe.java Templates.java
