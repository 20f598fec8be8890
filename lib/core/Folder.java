// The sources of lib/core/, for JBang. A command names this file instead of a glob such as lib/core/*.java,
// which JBang cannot list when the command runs from a URL (a catalog on GitHub); a test checks
// that this list is exactly the folder's .java files.
//SOURCES ArchiveTraining.java CozeApiException.java CozeCli.java CozeConfig.java CozeException.java FastLaunch.java Html.java Input.java Interrupts.java Json.java LaunchFingerprint.java Os.java Params.java ProgressLine.java Style.java Terminal.java Urls.java Waiting.java
