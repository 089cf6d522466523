package org.finetune4j.tokenizer.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {
    private static final List<String> CHATML = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

    private static BpeTrainer trainer(int merges, long minFrequency) {
        return BpeTrainer.builder().setVocabSize(CHATML.size() + 256 + merges)
                .optSpecialTokens(CHATML).optMinFrequency(minFrequency).build();
    }

    @Test
    void handWorkedExample() {
        // Pre-tokens: "ab" x1, " ab" x2, "abc" x1. Pair counts: (a,b)=4, (Ġ,a)=2, (b,c)=1.
        // Merge 1: a+b. Then (Ġ,ab)=2, (ab,c)=1. Merge 2: Ġ+ab. Then (ab,c)=1 < minFrequency 2: stop.
        BpeModel m = trainer(100, 2).train(List.of("ab ab ab", "abc"));
        assertEquals(List.of(new BpeMerge("a", "b"), new BpeMerge("\u0120", "ab")), m.merges());
        assertEquals(3 + 256 + 2, m.vocabSize());
        assertEquals(3 + 256, m.tokenId("ab"));
        assertEquals(3 + 256 + 1, m.tokenId("\u0120ab"));
        assertEquals(3 + 'a', m.tokenId("a"));
        assertArrayEquals(new long[] {259, 260, 3 + 'c'}, m.encode("ab abc"));
    }

    @Test
    void tiesGoToTheLexicographicallySmallestPair() {
        // (x,y) and (p,q) both occur once; "p" < "x", so (p,q) is merged first.
        BpeModel m = trainer(1, 1).train(List.of("xy", "pq"));
        assertEquals(List.of(new BpeMerge("p", "q")), m.merges());
        // Same counts, same left token: the smaller right token wins.
        assertEquals(List.of(new BpeMerge("a", "b")), trainer(1, 1).train(List.of("ac", "ab")).merges());
    }

    @Test
    void occurrencesMergeLeftToRightWithoutOverlap() {
        // "aaaa": (a,a)=3 -> aa aa; then (aa,aa)=1 -> aaaa.
        BpeModel m = trainer(10, 1).train(List.of("aaaa"));
        assertEquals(List.of(new BpeMerge("a", "a"), new BpeMerge("aa", "aa")), m.merges());
        assertArrayEquals(new long[] {m.tokenId("aa"), m.tokenId("a")}, m.encode("aaa"));
    }

    @Test
    void vocabSizeBoundsTheNumberOfMerges() {
        BpeModel m = trainer(5, 1).train(SyntheticBilingualCorpus.sentences(200, 1));
        assertEquals(5, m.merges().size());
        assertEquals(3 + 256 + 5, m.vocabSize());
    }

    @Test
    void specialTokensAreNeverLearnedFromAndGetTheFirstIds() {
        BpeModel m = trainer(50, 1).train(List.of("<|im_start|>user\nhalo<|im_end|>\n".repeat(5)));
        for (BpeMerge merge : m.merges()) {
            assertEquals(false, merge.merged().contains("|>") || merge.merged().contains("<|"), merge.toString());
        }
        assertArrayEquals(new long[] {1}, m.encode("<|im_start|>"));
        assertEquals(0, m.tokenId("<|endoftext|>"));
        assertEquals(2, m.tokenId("<|im_end|>"));
    }

    @Test
    void matchesANaiveReferenceTrainerOnABilingualCorpus() {
        List<String> corpus = SyntheticBilingualCorpus.sentences(400, 42);
        int merges = 150;
        BpeModel m = trainer(merges, 2).train(corpus);
        assertEquals(naiveMerges(corpus, merges, 2), m.merges());
    }

    /** Recounts every pair from scratch before each merge: slow, obviously correct. */
    private static List<BpeMerge> naiveMerges(List<String> corpus, int maxNewTokens, long minFrequency) {
        Map<List<String>, Long> words = new HashMap<>();
        for (String text : corpus) {
            for (String piece : PreTokenizer.standard().split(text)) {
                List<String> syms = new ArrayList<>();
                for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                    syms.add(String.valueOf(ByteLevelAlphabet.toChar(b)));
                }
                words.merge(syms, 1L, Long::sum);
            }
        }
        List<BpeMerge> merges = new ArrayList<>();
        Set<String> newTokens = new HashSet<>();
        while (newTokens.size() < maxNewTokens) {
            Map<BpeMerge, Long> pairs = new HashMap<>();
            words.forEach((syms, count) -> {
                for (int i = 0; i + 1 < syms.size(); i++) {
                    pairs.merge(new BpeMerge(syms.get(i), syms.get(i + 1)), count, Long::sum);
                }
            });
            BpeMerge best = null;
            long bestCount = 0;
            for (Map.Entry<BpeMerge, Long> e : pairs.entrySet()) {
                BpeMerge p = e.getKey();
                long c = e.getValue();
                if (best == null || c > bestCount || (c == bestCount && (p.left().compareTo(best.left()) < 0
                        || (p.left().equals(best.left()) && p.right().compareTo(best.right()) < 0)))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null || bestCount < minFrequency) {
                break;
            }
            merges.add(best);
            newTokens.add(best.merged());
            Map<List<String>, Long> next = new HashMap<>();
            for (Map.Entry<List<String>, Long> e : words.entrySet()) {
                List<String> s = e.getKey();
                List<String> out = new ArrayList<>();
                for (int i = 0; i < s.size(); i++) {
                    if (i + 1 < s.size() && s.get(i).equals(best.left()) && s.get(i + 1).equals(best.right())) {
                        out.add(best.merged());
                        i++;
                    } else {
                        out.add(s.get(i));
                    }
                }
                next.merge(out, e.getValue(), Long::sum);
            }
            words = next;
        }
        return merges;
    }

    @Test
    void builderRejectsBadSettings() {
        assertThrows(IllegalStateException.class, () -> BpeTrainer.builder().build());
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.builder().setVocabSize(258).optSpecialTokens(CHATML).build());
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.builder().optMinFrequency(0));
        assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.builder().setVocabSize(4096).optSpecialTokens(List.of("<a>", "<a>")).build());
    }
}
