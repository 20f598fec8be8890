// The sources of lib/workflow/, for JBang. A command names this file instead of a glob such as lib/workflow/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES RunHistory.java WorkflowOutput.java WorkflowRehearsal.java WorkflowRequest.java WorkflowRun.java WorkflowRunner.java WorkflowStatus.java
