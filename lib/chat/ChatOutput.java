package lib.chat;

import lib.core.CozeException;

/** A renderer of one turn. */
public interface ChatOutput extends ChatStream.Events {
    /** The turn is sent and nothing has come back yet. */
    default void begin() {}

    void finished(ChatStream.Result result);

    default void failed(CozeException e) {}
}
