package org.finetune4j.rag;

import java.util.List;
import org.finetune4j.chat.ChatMessage;

/**
 * A deterministic tool that rewrites a prompt before the model sees it, in training and in use alike: it computes
 * something the model would otherwise have to work out itself (a calendar date, a unit conversion) and writes the
 * result into the conversation, usually as a line of the system message. A model fine-tuned with a tool's lines
 * expects them, so the tools a model was trained with are saved beside it ({@link PromptTools}) and applied again by
 * whoever loads it.
 *
 * <p>Tools are found by {@link #name()} through {@link java.util.ServiceLoader}: an implementation has a public
 * no-argument constructor and is listed in {@code META-INF/services/org.finetune4j.rag.PromptTool}.
 */
public interface PromptTool {
    /** The name the tool is saved and looked up by ({@code "date_hint"}): lower case, digits and underscores. */
    String name();

    /**
     * The conversation as the model is shown it. Returns {@code conversation} itself when there is nothing to add;
     * never changes the list it is given. A tool may change messages but should not remove any; messages it inserts
     * go before the first one (a training conversation's trained turns are shifted by the number inserted).
     */
    List<ChatMessage> apply(List<ChatMessage> conversation);
}
