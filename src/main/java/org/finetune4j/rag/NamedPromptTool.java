package org.finetune4j.rag;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.finetune4j.chat.ChatMessage;

/**
 * A {@link PromptTool} made of a name and a function, for tools registered with {@link java.util.ServiceLoader}:
 * a subclass with a public no-argument constructor passes both ({@code super("date_hint", DateHints::withHint)}).
 */
public abstract class NamedPromptTool implements PromptTool {
    private final String name;
    private final UnaryOperator<List<ChatMessage>> rewrite;

    protected NamedPromptTool(String name, UnaryOperator<List<ChatMessage>> rewrite) {
        if (name == null || !name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("a prompt tool's name is lower case, digits and underscores: " + name);
        }
        this.name = name;
        this.rewrite = Objects.requireNonNull(rewrite, "rewrite");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final List<ChatMessage> apply(List<ChatMessage> conversation) {
        return rewrite.apply(conversation);
    }

    @Override
    public String toString() {
        return name;
    }
}
