package org.finetune4j.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.tokenizer.ChatTemplateException;
import org.finetune4j.tokenizer.HfTokenizer;

/**
 * Renders conversations with the model's chat template and marks the tokens to learn: the content of
 * every learned assistant turn up to and including its end-of-turn marker.
 *
 * <p>Spans are found by <em>prefix rendering</em>, which works with any template: for assistant turn k,
 * {@code render(messages[:k], add_generation_prompt=true)} ends where the answer starts (so the
 * assistant header stays masked) and {@code render(messages[:k+1])} ends after it. Within that span the
 * first end-of-turn marker ({@code <|im_end|>}, {@code <|eot_id|>}, ...) is kept and what follows is
 * masked, as in HF's generation mask (the {@code "\n"} after {@code <|im_end|>} is not part of the
 * answer the model must produce). The method needs the template to be prefix-stable — each shorter
 * rendering's tokens an exact prefix of the longer one's — which is verified for every sample; a
 * template that renders earlier turns differently once more turns follow fails loudly.
 */
public final class LabelMasker {
    /** End-of-turn tokens of common chat models, used (with the EOS token) when none is configured. */
    public static final List<String> KNOWN_END_OF_TURN_TOKENS =
            List.of("<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|eot|>");

    private final HfTokenizer tokenizer;
    private final int maxLength;
    private final Map<String, long[]> endOfTurnMarkers;
    private final Map<String, ?> templateVariables;

    private LabelMasker(Builder b) {
        this.tokenizer = Objects.requireNonNull(b.tokenizer, "tokenizer");
        this.maxLength = b.maxLength;
        this.templateVariables = Map.copyOf(b.templateVariables);
        this.endOfTurnMarkers = b.endOfTurn.isEmpty() ? defaultMarkers(tokenizer) : encodeMarkers(tokenizer, b.endOfTurn);
        if (endOfTurnMarkers.isEmpty()) {
            throw new IllegalArgumentException("the tokenizer has no EOS token and none of the known end-of-turn tokens "
                    + KNOWN_END_OF_TURN_TOKENS + "; set the end-of-turn marker with optEndOfTurn(...)");
        }
        tokenizer.chatTemplate(); // fails now, with a clear message, for a tokenizer without template
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The marker texts searched for at the end of each assistant turn. */
    public List<String> endOfTurnMarkers() {
        return List.copyOf(endOfTurnMarkers.keySet());
    }

    public int maxLength() {
        return maxLength;
    }

    /**
     * The whole conversation (not truncated) with labels on its learned assistant turns.
     *
     * @throws DatasetException naming the sample when the template fails, is not prefix-stable, or an
     *     assistant turn has no end-of-turn marker
     */
    public TokenizedSample mask(TrainingConversation conversation) {
        List<ChatMessage> messages = conversation.conversation().messages();
        String source = conversation.source();
        long[] full = render(messages, false, source);
        long[] labels = new long[full.length];
        Arrays.fill(labels, TokenBatch.IGNORE);
        for (int k = 0; k < messages.size(); k++) {
            if (!conversation.isTrained(k)) {
                continue;
            }
            long[] prompt = render(messages.subList(0, k), true, source);
            long[] withAnswer = k + 1 == messages.size() ? full : render(messages.subList(0, k + 1), false, source);
            requirePrefix(prompt, withAnswer, source, "messages[:" + k + "] with the generation prompt",
                    "messages[:" + (k + 1) + "]");
            if (withAnswer != full) {
                requirePrefix(withAnswer, full, source, "messages[:" + (k + 1) + "]", "the whole conversation");
            }
            int start = prompt.length;
            int end = endOfAnswer(withAnswer, start, source, k);
            for (int t = start; t < end; t++) {
                labels[t] = full[t];
            }
        }
        return new TokenizedSample(full, labels, source);
    }

    /**
     * Masks every conversation and truncates from the right at the maximum length; a sample left with no
     * learned token is counted and dropped, never trained on.
     */
    public MaskingReport maskAll(List<TrainingConversation> conversations) {
        List<TokenizedSample> kept = new ArrayList<>(conversations.size());
        List<String> dropped = new ArrayList<>();
        int truncated = 0;
        for (TrainingConversation c : conversations) {
            TokenizedSample sample = mask(c);
            if (sample.length() > maxLength) {
                truncated++;
                sample = sample.truncate(maxLength);
            }
            if (sample.trainableTokens() == 0) {
                dropped.add(sample.source());
            } else {
                kept.add(sample);
            }
        }
        return new MaskingReport(kept, truncated, dropped);
    }

    private long[] render(List<ChatMessage> messages, boolean addGenerationPrompt, String source) {
        try {
            return tokenizer.encode(tokenizer.renderChatTemplate(messages, addGenerationPrompt, templateVariables), false);
        } catch (ChatTemplateException e) {
            throw new DatasetException(source + ": the chat template rejects this conversation: " + e.getMessage(), e);
        }
    }

    private void requirePrefix(long[] shorter, long[] longer, String source, String shorterName, String longerName) {
        boolean prefix = shorter.length <= longer.length
                && Arrays.equals(shorter, 0, shorter.length, longer, 0, shorter.length);
        if (!prefix) {
            int at = Arrays.mismatch(shorter, longer);
            throw new DatasetException(source + ": the chat template is not prefix-stable: the tokens of " + shorterName
                    + " are not a prefix of those of " + longerName + " (they differ at token " + at + ": "
                    + excerpt(shorter, at) + " vs " + excerpt(longer, at) + "), so assistant spans cannot be found by "
                    + "prefix rendering; template starts with: "
                    + abbreviate(tokenizer.chatTemplate().source(), 120));
        }
    }

    /** End (exclusive) of the learned span: just after the first end-of-turn marker at or after {@code start}. */
    private int endOfAnswer(long[] tokens, int start, String source, int turn) {
        int bestStart = Integer.MAX_VALUE;
        int best = -1;
        for (long[] marker : endOfTurnMarkers.values()) {
            int at = indexOf(tokens, marker, start);
            if (at >= 0 && at < bestStart) {
                bestStart = at;
                best = at + marker.length;
            }
        }
        if (best < 0) {
            throw new DatasetException(source + ": assistant turn messages[" + turn + "] is rendered without any of the "
                    + "end-of-turn markers " + endOfTurnMarkers.keySet() + " (rendered: '"
                    + abbreviate(tokenizer.decode(Arrays.copyOfRange(tokens, start, tokens.length), false), 120)
                    + "'); configure the template's marker with optEndOfTurn(...)");
        }
        return best;
    }

    private static int indexOf(long[] tokens, long[] marker, int from) {
        outer:
        for (int i = from; i + marker.length <= tokens.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (tokens[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private String excerpt(long[] tokens, int at) {
        if (at >= tokens.length) {
            return "<end>";
        }
        int to = Math.min(tokens.length, at + 8);
        return "'" + tokenizer.decode(Arrays.copyOfRange(tokens, at, to), false) + "'";
    }

    private static String abbreviate(String s, int max) {
        String oneLine = s.replace("\n", "\\n");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
    }

    /** The EOS token and the known end-of-turn tokens that are single tokens of this vocabulary. */
    static Map<String, long[]> defaultMarkers(HfTokenizer tokenizer) {
        List<String> candidates = new ArrayList<>();
        tokenizer.eosToken().ifPresent(candidates::add);
        candidates.addAll(KNOWN_END_OF_TURN_TOKENS);
        Map<String, long[]> markers = new LinkedHashMap<>();
        for (String text : candidates) {
            OptionalLong id = tokenizer.tokenId(text);
            if (id.isPresent() && Arrays.equals(tokenizer.encode(text, false), new long[] {id.getAsLong()})) {
                markers.putIfAbsent(text, new long[] {id.getAsLong()});
            }
        }
        return markers;
    }

    private static Map<String, long[]> encodeMarkers(HfTokenizer tokenizer, List<String> texts) {
        Map<String, long[]> markers = new LinkedHashMap<>();
        for (String text : texts) {
            long[] ids = tokenizer.encode(text, false);
            if (ids.length == 0) {
                throw new IllegalArgumentException("end-of-turn marker '" + text + "' encodes to no token");
            }
            markers.put(text, ids);
        }
        return markers;
    }

    @Override
    public String toString() {
        return "LabelMasker[maxLength=" + maxLength + ", endOfTurn=" + endOfTurnMarkers.keySet().stream()
                .collect(Collectors.joining(", ")) + "]";
    }

    /** Options of a {@link LabelMasker}. */
    public static final class Builder {
        private HfTokenizer tokenizer;
        private int maxLength = 1024;
        private List<String> endOfTurn = List.of();
        private Map<String, ?> templateVariables = Map.of();

        private Builder() {}

        /** The model's tokenizer; its chat template renders the conversations. */
        public Builder setTokenizer(HfTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /** Samples are truncated from the right to this many tokens (default 1024, TRL's default). */
        public Builder optMaxLength(int maxLength) {
            if (maxLength < 2) {
                throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Texts that end an assistant turn (encoded with this tokenizer; a marker may be several tokens).
         * Default: the EOS token and those of {@link #KNOWN_END_OF_TURN_TOKENS} that are single tokens.
         */
        public Builder optEndOfTurn(String... markers) {
            this.endOfTurn = List.of(markers);
            return this;
        }

        /**
         * Extra template variables, e.g. a fixed {@code date_string} for Llama 3 templates so that renders
         * do not depend on the day.
         */
        public Builder optTemplateVariables(Map<String, ?> variables) {
            this.templateVariables = Map.copyOf(variables);
            return this;
        }

        public LabelMasker build() {
            return new LabelMasker(this);
        }
    }
}
