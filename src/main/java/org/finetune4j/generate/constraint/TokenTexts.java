package org.finetune4j.generate.constraint;

import java.util.Arrays;
import org.finetune4j.tokenizer.HfTokenizer;

/**
 * The text every token adds when decoded, so that a constraint can check a token character by character. Special
 * tokens, ids past the tokenizer's vocabulary (a model may pad its embedding) and tokens that are part of a
 * multi-byte character have no text ({@code null}): a constraint never picks them.
 */
public final class TokenTexts {
    private final String[] texts;

    public TokenTexts(String[] texts) {
        this.texts = texts.clone();
    }

    /**
     * The texts of {@code modelVocabSize} ids. Each token is decoded after an anchor token and the anchor's text is
     * cut off, so that tokenizers that drop a word's leading space when it starts the text (SentencePiece's "▁")
     * still show it.
     */
    public static TokenTexts of(HfTokenizer tokenizer, int modelVocabSize) {
        String[] texts = new String[modelVocabSize];
        long[] anchorIds = tokenizer.encode("a", false);
        long anchor = anchorIds.length == 1 ? anchorIds[0] : -1;
        String anchorText = anchor >= 0 ? tokenizer.decode(new long[] {anchor}, false) : "";
        int n = Math.min(modelVocabSize, tokenizer.vocabSize());
        for (int id = 0; id < n; id++) {
            if (tokenizer.specialTokenIds().contains((long) id)) {
                continue;
            }
            String text;
            if (anchor >= 0) {
                String both = tokenizer.decode(new long[] {anchor, id}, false);
                text = both.startsWith(anchorText) ? both.substring(anchorText.length())
                        : tokenizer.decode(new long[] {id}, false);
            } else {
                text = tokenizer.decode(new long[] {id}, false);
            }
            texts[id] = text.isEmpty() || text.indexOf('\uFFFD') >= 0 ? null : text;
        }
        return new TokenTexts(texts);
    }

    /** Number of ids (the model's vocabulary). */
    public int size() {
        return texts.length;
    }

    /** The text of {@code id}, or null when a constraint must never pick it. */
    public String text(int id) {
        return texts[id];
    }

    @Override
    public String toString() {
        return "TokenTexts[" + texts.length + " ids, " + Arrays.stream(texts).filter(t -> t != null).count()
                + " with text]";
    }
}
