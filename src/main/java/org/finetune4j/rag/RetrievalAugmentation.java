package org.finetune4j.rag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.data.Conversation;
import org.finetune4j.data.TrainingConversation;

/**
 * Retrieval-augmented prompts, made the same way for training and for use: the last user message is the query, and
 * the {@code k} most similar solved examples go into the system prompt ({@link ExamplePrompt}).
 *
 * <p>Training conversations come from the same data the examples do, so {@link #forTraining} never shows a
 * conversation itself, a copy of its message, or any example of its group (the template it was generated from):
 * otherwise the example would nearly always be the right answer and the model would learn to copy it, while a new
 * user's message only ever finds examples of other phrasings. With the group held out, a training conversation's
 * example is as far from it as a test message's is from its own.
 */
public final class RetrievalAugmentation {
    /** Queries whose hits are kept: more than a generation batch's prompts, so a batch searches each once. */
    static final int RECENT_QUERIES = 256;

    private final ExampleRetriever retriever;
    private final ExamplePrompt prompt;
    private final int examples;
    private final boolean pinUnanimous;
    /**
     * The hits of the last {@value #RECENT_QUERIES} prompt queries, least recently used first: a constrained answer
     * asks for its {@link #pins} after its prompt was built, for the same query, so the pins reuse the prompt's
     * search instead of searching again (3–6 ms each). Hits are immutable; the index never changes.
     */
    private final Map<String, List<RetrievedExample>> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<RetrievedExample>> eldest) {
            return size() > RECENT_QUERIES;
        }
    };

    private RetrievalAugmentation(Builder b) {
        this.retriever = Objects.requireNonNull(b.retriever, "retriever");
        this.prompt = b.prompt;
        this.examples = b.examples;
        this.pinUnanimous = b.pinUnanimous;
    }

    public static Builder builder() {
        return new Builder();
    }

    public ExampleRetriever retriever() {
        return retriever;
    }

    /** A prompt (ending with the user's message) with the examples most similar to that message. */
    public List<ChatMessage> forPrompt(List<ChatMessage> conversation) {
        return prompt.withRetrieved(conversation, promptHits(lastUserMessage(conversation, "the prompt")));
    }

    /**
     * The answer field a prompt's vote is about, pinned to the value that every voter has, when they all agree and
     * {@link Builder#optPinUnanimous} is on ({@link org.finetune4j.generate.constraint.FieldPins}); empty
     * otherwise. The same search as {@link #forPrompt}'s, so it agrees with the vote line the model is shown.
     */
    public Map<String, String> pins(List<ChatMessage> conversation) {
        if (!pinUnanimous) {
            return Map.of();
        }
        return prompt.unanimous(promptHits(lastUserMessage(conversation, "the prompt")));
    }

    /** The {@link #examples} hits of a prompt's query, from {@link #recent} when it was searched lately. */
    private List<RetrievedExample> promptHits(String query) {
        synchronized (recent) {
            List<RetrievedExample> hits = recent.get(query);
            if (hits != null) {
                return hits;
            }
        }
        List<RetrievedExample> hits = List.copyOf(retriever.search(query, examples));
        synchronized (recent) {
            recent.put(query, hits);
        }
        return hits;
    }

    /** Whether a unanimous vote pins the answer field under constrained decoding ({@link #pins}). */
    public boolean pinsUnanimous() {
        return pinUnanimous;
    }

    /**
     * A training conversation with the examples most similar to its last user message, leaving out examples of
     * {@code group} (when not empty) and any example whose message is that same message. Which turns are trained
     * does not change; a system message inserted at the start shifts their indices by one.
     */
    public TrainingConversation forTraining(TrainingConversation training, String group) {
        Conversation c = training.conversation();
        String query = lastUserMessage(c.messages(), c.source());
        return training.withMessages(prompt.withRetrieved(c.messages(),
                retriever.searchOthers(query, examples, group)));
    }

    /** {@link #forTraining} of each conversation, its group given by {@code groupOf}. */
    public List<TrainingConversation> forTraining(List<TrainingConversation> conversations,
            Function<Conversation, String> groupOf) {
        List<TrainingConversation> out = new ArrayList<>(conversations.size());
        for (TrainingConversation t : conversations) {
            out.add(forTraining(t, groupOf.apply(t.conversation())));
        }
        return out;
    }

    private static String lastUserMessage(List<ChatMessage> conversation, String where) {
        return ChatMessage.lastUserContent(conversation).orElseThrow(
                () -> new IllegalArgumentException(where + ": no user message to retrieve examples for"));
    }

    public static final class Builder {
        private ExampleRetriever retriever;
        private ExamplePrompt prompt = ExamplePrompt.builder().build();
        private int examples = 1;
        private boolean pinUnanimous;

        private Builder() {}

        /**
         * When every example of a vote ({@link ExamplePrompt.Builder#optVote}) has the same value, a constrained
         * answer must write that value too ({@link #pins}); default off. A vote that is split still only shows its
         * winner, and the model decides.
         */
        public Builder optPinUnanimous(boolean pin) {
            this.pinUnanimous = pin;
            return this;
        }

        public Builder setRetriever(ExampleRetriever retriever) {
            this.retriever = retriever;
            return this;
        }

        public Builder optPrompt(ExamplePrompt prompt) {
            this.prompt = Objects.requireNonNull(prompt, "prompt");
            return this;
        }

        /** How many examples each prompt shows (default 1). */
        public Builder optExamples(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("examples per prompt must be >= 1, got " + k);
            }
            this.examples = k;
            return this;
        }

        public RetrievalAugmentation build() {
            if (pinUnanimous && !prompt.votes()) {
                throw new IllegalArgumentException("pinning a unanimous vote needs a prompt that votes (optVote)");
            }
            return new RetrievalAugmentation(this);
        }
    }
}
