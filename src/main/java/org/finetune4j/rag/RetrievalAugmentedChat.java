package org.finetune4j.rag;

import java.util.List;
import java.util.Objects;
import org.finetune4j.chat.ChatCompleter;
import org.finetune4j.chat.ChatMessage;

/**
 * A model that is shown retrieved examples before it answers: every conversation goes through
 * {@link RetrievalAugmentation#forPrompt} and then to the wrapped model (batched calls stay batched). Use it with a
 * model fine-tuned on conversations augmented the same way.
 */
public final class RetrievalAugmentedChat implements ChatCompleter {
    private final ChatCompleter model;
    private final RetrievalAugmentation augmentation;

    public RetrievalAugmentedChat(ChatCompleter model, RetrievalAugmentation augmentation) {
        this.model = Objects.requireNonNull(model, "model");
        this.augmentation = Objects.requireNonNull(augmentation, "augmentation");
    }

    @Override
    public String complete(List<ChatMessage> conversation) {
        return model.complete(augmentation.forPrompt(conversation));
    }

    @Override
    public List<String> completeAll(List<List<ChatMessage>> conversations) {
        return model.completeAll(conversations.stream().map(augmentation::forPrompt).toList());
    }
}
