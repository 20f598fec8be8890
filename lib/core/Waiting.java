package lib.core;

/**
 * Where a chat or a workflow run stopped to wait for the user instead of answering: a question
 * node's reply, a local plugin no --tool answers, a workflow's interrupt. Every command says it the
 * same way, one line on stderr with the command that answers it (unless the REPL asks right away),
 * and exits 6 (CozeException.WAITING).
 */
public sealed interface Waiting {
    /**
     * The line for stderr, with the command that answers it quoted for `shell`'s shell (every word
     * that came from Coze could otherwise run there); no command when `shell` is null (the REPL asks at once).
     */
    String line(Os shell);

    /** A chat's question node: the reply is the next message of the conversation. */
    record Reply() implements Waiting {
        @Override
        public String line(Os shell) {
            return "the bot is waiting for your reply" + (shell != null ? ": coze-chat -c \"…\"" : "");
        }
    }

    /** A chat's local plugin that no --tool answers. */
    record Plugin(String name, String arguments) implements Waiting {
        @Override
        public String line(Os shell) {
            return "the bot called the local plugin " + name + " with " + arguments
                    + (shell != null ? "; answer it with --tool " + shell.shellWord(name + "=COMMAND") : "");
        }
    }

    /** A workflow's interrupt (a question node, type 2), answered by resuming the run at its event. */
    record Resume(String workflowId, String eventId, int interruptType) implements Waiting {
        @Override
        public String line(Os shell) {
            return "the workflow is waiting for your answer" + (shell != null ? ": coze-workflow " + shell.shellWord(workflowId)
                    + " --resume " + shell.shellWord(eventId) + (interruptType == 2 ? "" : " --interrupt-type " + interruptType) + " \"…\"" : "");
        }
    }
}
