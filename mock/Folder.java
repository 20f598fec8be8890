// The sources of mock/, for JBang. A command names this file instead of a glob such as mock/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES MockActions.java MockAudio.java MockBots.java MockChat.java MockChats.java MockConversations.java MockDevices.java MockDirectory.java MockDocuments.java MockFaults.java MockFiles.java MockHttp.java MockKnowledge.java MockOAuth.java MockRunHistories.java MockServer.java MockServiceApps.java MockSseWriter.java MockState.java MockStreamFaults.java MockStudio.java MockTemplates.java MockTokens.java MockWorkflows.java
