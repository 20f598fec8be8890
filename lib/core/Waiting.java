package lib.core;

/**
 * Where a chat or a workflow run stopped to wait for the user instead of answering: a question
 * node's reply, a local plugin no --tool answers, a workflow's interrupt. Every command says it the
 * same way, one line on stderr with the command that answers it (unless the REPL asks right away),
 * and exits 6 (CozeException.WAITING).
 */
public sealed interface Waiting {
    /** The line for stderr, with the command that answers it when `withCommand`. */
    String line(boolean withCommand);

    /** A chat's question node: the reply is the next message of the conversation. */
    record Reply() implements Waiting {
        @Override
        public String line(boolean withCommand) {
            return "the bot is waiting for your reply" + (withCommand ? ": coze-chat -c \"…\"" : "");
        }
    }

    /** A chat's local plugin that no --tool answers. */
    record Plugin(String name, String arguments) implements Waiting {
        @Override
        public String line(boolean withCommand) {
            return "the bot called the local plugin " + name + " with " + arguments
                    + (withCommand ? "; answer it with --tool " + name + "=COMMAND" : "");
        }
    }

    /** A workflow's interrupt (a question node, type 2), answered by resuming the run at its event. */
    record Resume(String workflowId, String eventId, int interruptType) implements Waiting {
        @Override
        public String line(boolean withCommand) {
            return "the workflow is waiting for your answer" + (withCommand ? ": coze-workflow " + workflowId + " --resume " + eventId
                    + (interruptType == 2 ? "" : " --interrupt-type " + interruptType) + " \"…\"" : "");
        }
    }
}
