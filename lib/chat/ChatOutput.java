package lib.chat;

import lib.core.CozeException;

/** A renderer of one turn. */
public interface ChatOutput extends ChatStream.Events {
    /** The turn is sent and nothing has come back yet. */
    default void begin() {}

    void finished(ChatStream.Result result);

    default void failed(CozeException e) {}

    /** The terminal is about to ask the user something (a plugin's output): nothing may draw over the prompt. */
    default void aside() {}
}
