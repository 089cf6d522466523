package org.finetune4j.rag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;

/**
 * How retrieved examples are written into a conversation: appended to its system message (one is inserted at the
 * start when there is none), one line per example after a header.
 *
 * <p>Three forms. By default an example is shown whole: its message on one line, its answer on the next — a worked
 * example. With {@link Builder#optAnswerField} only one field of a JSON answer is shown, on the message's line
 * ({@code "Mirip / similar: saldo gw brp = check_balance"}): a few tokens instead of a whole answer, for when the
 * example is there to say what kind of request a message is. With {@link Builder#optVote} as well, the examples
 * are not shown at all: one line gives the field value they vote for, each weighted by its similarity score
 * ({@code "Mirip: check_balance"}) — a nearest-neighbour classifier's answer as a hint.
 */
public final class ExamplePrompt {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String header;
    private final String answerField;
    private final boolean vote;

    private ExamplePrompt(Builder b) {
        this.header = b.header;
        this.answerField = b.answerField;
        this.vote = b.vote;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether this prompt shows a vote instead of its examples ({@link Builder#optVote}). */
    public boolean votes() {
        return vote;
    }

    /** The text appended to the system message for these examples ("" for none; a vote weighs each alike). */
    public String block(List<SolvedExample> examples) {
        if (vote) {
            List<RetrievedExample> alike = new ArrayList<>(examples.size());
            for (int i = 0; i < examples.size(); i++) {
                alike.add(new RetrievedExample(i, examples.get(i), 1f));
            }
            return blockOf(alike);
        }
        StringBuilder sb = new StringBuilder();
        for (SolvedExample e : examples) {
            if (answerField == null) {
                sb.append('\n').append(header).append('\n').append(e.message()).append('\n').append(e.answer());
            } else {
                sb.append('\n').append(header).append(' ').append(e.message()).append(" = ").append(field(e));
            }
        }
        return sb.toString();
    }

    /**
     * The text appended to the system message for these search results: {@link #block} of their examples, or with
     * {@link Builder#optVote} one line with the answer field's value that the results' similarity scores favour
     * most ("Mirip: transfer"); "" for none.
     */
    public String blockOf(List<RetrievedExample> hits) {
        if (!vote) {
            return block(hits.stream().map(RetrievedExample::example).toList());
        }
        if (hits.isEmpty()) {
            return "";
        }
        // score-weighted vote; LinkedHashMap keeps the best-ranked value first, so it wins a tie
        Map<String, Double> weight = new LinkedHashMap<>();
        for (RetrievedExample h : hits) {
            weight.merge(field(h.example()), (double) h.score(), Double::sum);
        }
        String best = null;
        for (Map.Entry<String, Double> e : weight.entrySet()) {
            if (best == null || e.getValue() > weight.get(best)) {
                best = e.getKey();
            }
        }
        return "\n" + header + " " + best;
    }

    /**
     * The field that a vote is about and the value every one of these search results has for it, when they all
     * agree; empty when they differ, when there are none, or when this prompt does not vote.
     */
    public Map<String, String> unanimous(List<RetrievedExample> hits) {
        if (!vote || hits.isEmpty()) {
            return Map.of();
        }
        String value = field(hits.get(0).example());
        for (RetrievedExample h : hits) {
            if (!field(h.example()).equals(value)) {
                return Map.of();
            }
        }
        return Map.of(answerField, value);
    }

    /** {@code conversation} with {@link #blockOf} these search results appended to its system message. */
    public List<ChatMessage> withRetrieved(List<ChatMessage> conversation, List<RetrievedExample> hits) {
        return withBlock(conversation, blockOf(hits));
    }

    /**
     * {@code conversation} with {@link #block} appended to its system message (one is inserted when there is none);
     * unchanged when there are no examples.
     */
    public List<ChatMessage> withExamples(List<ChatMessage> conversation, List<SolvedExample> examples) {
        return withBlock(conversation, block(examples));
    }

    private static List<ChatMessage> withBlock(List<ChatMessage> conversation, String block) {
        if (block.isEmpty()) {
            return conversation;
        }
        List<ChatMessage> out = new ArrayList<>(conversation.size() + 1);
        if (conversation.isEmpty() || conversation.get(0).role() != Role.SYSTEM) {
            out.add(ChatMessage.system(block.strip()));
            out.addAll(conversation);
        } else {
            out.add(ChatMessage.system(conversation.get(0).content() + block));
            out.addAll(conversation.subList(1, conversation.size()));
        }
        return out;
    }

    private String field(SolvedExample e) {
        JsonNode root;
        try {
            root = JSON.readTree(e.answer());
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("example '" + e.message() + "' (group '" + e.group()
                    + "'): its answer is not JSON, so field '" + answerField + "' cannot be shown: " + e.answer(), ex);
        }
        JsonNode v = root == null ? null : root.get(answerField);
        if (v == null) {
            throw new IllegalArgumentException("example '" + e.message() + "' (group '" + e.group()
                    + "'): its answer has no field '" + answerField + "': " + e.answer());
        }
        return v.isTextual() ? v.asText() : v.toString();
    }

    public static final class Builder {
        private String header = "Example:";
        private String answerField;
        private boolean vote;

        private Builder() {}

        /** The words before each example (default {@code "Example:"}). */
        public Builder optHeader(String header) {
            this.header = Objects.requireNonNull(header, "header");
            return this;
        }

        /** Show only this field of each (JSON) answer, on the message's line; default: the whole answer. */
        public Builder optAnswerField(String field) {
            this.answerField = field;
            return this;
        }

        /**
         * Show one line instead of the examples: the {@link #optAnswerField} value that the retrieved examples'
         * similarity scores add up to most — a nearest-neighbour vote, steadier than the single nearest example.
         */
        public Builder optVote(boolean vote) {
            this.vote = vote;
            return this;
        }

        public ExamplePrompt build() {
            if (vote && answerField == null) {
                throw new IllegalArgumentException("a vote needs the answer field it votes on (optAnswerField)");
            }
            return new ExamplePrompt(this);
        }
    }
}
