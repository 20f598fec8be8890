// The sources of lib/chat/, for JBang. A command names this file instead of a glob such as lib/chat/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES Attachments.java ChatEvents.java ChatOutput.java ChatRehearsal.java ChatRequest.java ChatSession.java ChatStream.java ConversationMemory.java JsonOutput.java LocalTools.java MarkdownStream.java Spinner.java TextOutput.java ToolCall.java TurnNotes.java TurnView.java
