/** A renderer of one turn. */
interface ChatOutput extends ChatStream.Events {
    void finished(ChatStream.Result result);

    default void failed(CozeException e) {}
}
