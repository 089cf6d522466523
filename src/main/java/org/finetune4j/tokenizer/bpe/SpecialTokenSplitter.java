package org.finetune4j.tokenizer.bpe;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts special tokens out of raw text before pre-tokenization, the way the Hugging Face
 * {@code tokenizers} added-vocabulary does for tokens with {@code special=true},
 * {@code lstrip/rstrip/single_word=false}: verbatim matches, leftmost first, and the longest token
 * when several start at the same place.
 */
final class SpecialTokenSplitter {

    /** A piece of text: either ordinary text ({@code specialIndex == -1}) or one special token. */
    record Segment(String text, int specialIndex) {
        boolean isSpecial() {
            return specialIndex >= 0;
        }
    }

    private final List<String> specials;

    SpecialTokenSplitter(List<String> specials) {
        for (String s : specials) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("special tokens must not be empty");
            }
        }
        this.specials = List.copyOf(specials);
    }

    List<Segment> split(String text) {
        List<Segment> out = new ArrayList<>();
        int from = 0;
        while (from < text.length()) {
            int bestStart = -1;
            int bestIndex = -1;
            for (int i = 0; i < specials.size(); i++) {
                int at = text.indexOf(specials.get(i), from);
                if (at < 0) {
                    continue;
                }
                if (bestStart < 0 || at < bestStart
                        || (at == bestStart && specials.get(i).length() > specials.get(bestIndex).length())) {
                    bestStart = at;
                    bestIndex = i;
                }
            }
            if (bestStart < 0) {
                out.add(new Segment(text.substring(from), -1));
                break;
            }
            if (bestStart > from) {
                out.add(new Segment(text.substring(from, bestStart), -1));
            }
            out.add(new Segment(specials.get(bestIndex), bestIndex));
            from = bestStart + specials.get(bestIndex).length();
        }
        return out;
    }
}
