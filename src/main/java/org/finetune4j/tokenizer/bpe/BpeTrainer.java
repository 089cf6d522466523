package org.finetune4j.tokenizer.bpe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import picocli.CommandLine;

/**
 * Learns a byte-level BPE vocabulary from text.
 *
 * <p>Training: split every text on the special tokens (which are never learned from), pre-tokenize
 * the rest with the {@link PreTokenizer}, count distinct pre-tokens, write each as its UTF-8 bytes,
 * and start from the 256 byte symbols. Then repeatedly merge the adjacent pair with the highest
 * count (summed over pre-tokens weighted by their frequency) until the vocabulary reaches
 * {@code vocabSize} or the best pair occurs fewer than {@code minFrequency} times. Within a
 * pre-token, occurrences are merged left to right without overlap ({@code a a a} → {@code aa a}).
 *
 * <p><b>Tie-break</b>: among pairs with equal count, the pair whose left token string is
 * lexicographically smallest wins, then the smallest right token string (Java {@code String}
 * order; byte-level strings are all in the BMP, so this is code-point order). The result therefore
 * depends only on the multiset of pre-tokens, never on input order or hashing.
 *
 * <p><b>Speed</b>: pair counts live in a map, a max-heap holds candidate pairs with lazily
 * corrected counts, and an index lists the pre-tokens that contain each pair; a merge touches only
 * those pre-tokens. Pairs that do not involve the new token can only lose occurrences, so only
 * pairs with the new token need fresh heap entries; stale ones are fixed when popped.
 */
public final class BpeTrainer {
    private final int vocabSize;
    private final List<String> specialTokens;
    private final long minFrequency;
    private final PreTokenizer preTokenizer;

    private BpeTrainer(Builder b) {
        this.vocabSize = b.vocabSize;
        this.specialTokens = List.copyOf(b.specialTokens);
        this.minFrequency = b.minFrequency;
        this.preTokenizer = b.preTokenizer;
        if (new HashSet<>(specialTokens).size() != specialTokens.size()) {
            throw new IllegalArgumentException("duplicate special tokens: " + specialTokens);
        }
        if (vocabSize < specialTokens.size() + 256) {
            throw new IllegalArgumentException("vocabSize " + vocabSize + " is smaller than the "
                    + specialTokens.size() + " special tokens plus 256 byte symbols");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int vocabSize() {
        return vocabSize;
    }

    public List<String> specialTokens() {
        return specialTokens;
    }

    public long minFrequency() {
        return minFrequency;
    }

    /** Counts pre-tokens and learns merges; {@code texts} is iterated once. */
    public BpeModel train(Iterable<String> texts) {
        SpecialTokenSplitter splitter = new SpecialTokenSplitter(specialTokens);
        Map<String, long[]> wordCounts = new HashMap<>();
        for (String text : texts) {
            for (SpecialTokenSplitter.Segment seg : splitter.split(text)) {
                if (seg.isSpecial()) {
                    continue;
                }
                for (String piece : preTokenizer.split(seg.text())) {
                    wordCounts.computeIfAbsent(piece, k -> new long[1])[0]++;
                }
            }
        }
        return new MergeLearner(wordCounts).learn();
    }

    /** The state of one training run: pre-tokens as symbol-id arrays plus the pair statistics. */
    private final class MergeLearner {
        private final List<String> tokens = new ArrayList<>();
        private final Map<String, Integer> tokenIds = new HashMap<>();
        private final int[][] words;
        private final int[] lengths;
        private final long[] counts;
        private final Map<Long, long[]> pairCounts = new HashMap<>();
        /** pair → indices of words that contain (or once contained) it; may hold duplicates. */
        private final Map<Long, IntList> wordsWithPair = new HashMap<>();
        private final PriorityQueue<Candidate> heap;
        /** Merge index at which each word was last visited, to skip duplicate index entries. */
        private final int[] visitedAt;

        MergeLearner(Map<String, long[]> wordCounts) {
            for (String s : specialTokens) {
                newToken(s);
            }
            for (int b = 0; b < 256; b++) {
                newToken(String.valueOf(ByteLevelAlphabet.toChar(b)));
            }
            int n = wordCounts.size();
            words = new int[n][];
            lengths = new int[n];
            counts = new long[n];
            visitedAt = new int[n];
            Arrays.fill(visitedAt, -1);
            int w = 0;
            int byteBase = specialTokens.size();
            for (Map.Entry<String, long[]> e : wordCounts.entrySet()) {
                byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
                int[] syms = new int[bytes.length];
                for (int i = 0; i < bytes.length; i++) {
                    syms[i] = byteBase + (bytes[i] & 0xFF);
                }
                words[w] = syms;
                lengths[w] = syms.length;
                counts[w] = e.getValue()[0];
                w++;
            }
            heap = new PriorityQueue<>(this::compareCandidates);
            for (w = 0; w < n; w++) {
                for (int i = 0; i + 1 < lengths[w]; i++) {
                    long key = BpeModel.pairKey(words[w][i], words[w][i + 1]);
                    pairCounts.computeIfAbsent(key, k -> new long[1])[0] += counts[w];
                    IntList list = wordsWithPair.computeIfAbsent(key, k -> new IntList());
                    if (list.size == 0 || list.last() != w) {
                        list.add(w);
                    }
                }
            }
            for (Map.Entry<Long, long[]> e : pairCounts.entrySet()) {
                heap.add(new Candidate(e.getKey(), e.getValue()[0]));
            }
        }

        private int newToken(String s) {
            int id = tokens.size();
            tokens.add(s);
            tokenIds.put(s, id);
            return id;
        }

        /** Higher count first, then smaller left string, then smaller right string. */
        private int compareCandidates(Candidate x, Candidate y) {
            if (x.count != y.count) {
                return Long.compare(y.count, x.count);
            }
            int c = tokens.get(left(x.pair)).compareTo(tokens.get(left(y.pair)));
            return c != 0 ? c : tokens.get(right(x.pair)).compareTo(tokens.get(right(y.pair)));
        }

        BpeModel learn() {
            List<BpeMerge> merges = new ArrayList<>();
            while (tokens.size() < vocabSize) {
                Candidate top = heap.poll();
                if (top == null) {
                    break;
                }
                long[] actual = pairCounts.get(top.pair);
                long count = actual == null ? 0 : actual[0];
                if (count != top.count) {
                    if (count > 0) {
                        heap.add(new Candidate(top.pair, count));
                    }
                    continue;
                }
                if (count < minFrequency) {
                    break;
                }
                int a = left(top.pair);
                int b = right(top.pair);
                String merged = tokens.get(a) + tokens.get(b);
                Integer existing = tokenIds.get(merged);
                int c = existing != null ? existing : newToken(merged);
                merges.add(new BpeMerge(tokens.get(a), tokens.get(b)));
                applyMerge(top.pair, a, b, c, merges.size() - 1);
            }
            return new BpeModel(specialTokens, merges, preTokenizer);
        }

        private void applyMerge(long pair, int a, int b, int c, int mergeIndex) {
            Set<Long> touched = new HashSet<>();
            IntList list = wordsWithPair.remove(pair);
            for (int k = 0; k < list.size; k++) {
                int w = list.items[k];
                if (visitedAt[w] == mergeIndex) {
                    continue;
                }
                visitedAt[w] = mergeIndex;
                int[] syms = words[w];
                int len = lengths[w];
                if (!contains(syms, len, a, b)) {
                    continue;
                }
                addPairs(w, -counts[w], c, touched);
                int out = 0;
                for (int i = 0; i < len; i++) {
                    if (i + 1 < len && syms[i] == a && syms[i + 1] == b) {
                        syms[out++] = c;
                        i++;
                    } else {
                        syms[out++] = syms[i];
                    }
                }
                lengths[w] = out;
                addPairs(w, counts[w], c, touched);
            }
            pairCounts.remove(pair);
            for (Long p : touched) {
                long[] cnt = pairCounts.get(p);
                if (cnt != null) {
                    heap.add(new Candidate(p, cnt[0]));
                }
            }
        }

        /**
         * Adds {@code delta} to the count of every adjacent pair of word {@code w}; pairs with the new
         * token {@code c} are recorded in {@code touched} and, when added, indexed to this word.
         */
        private void addPairs(int w, long delta, int c, Set<Long> touched) {
            int[] syms = words[w];
            for (int i = 0; i + 1 < lengths[w]; i++) {
                long key = BpeModel.pairKey(syms[i], syms[i + 1]);
                long[] cnt = pairCounts.computeIfAbsent(key, k -> new long[1]);
                cnt[0] += delta;
                if (cnt[0] == 0) {
                    pairCounts.remove(key);
                }
                if (syms[i] == c || syms[i + 1] == c) {
                    touched.add(key);
                    if (delta > 0) {
                        wordsWithPair.computeIfAbsent(key, k -> new IntList()).add(w);
                    }
                }
            }
        }

        private static boolean contains(int[] syms, int len, int a, int b) {
            for (int i = 0; i + 1 < len; i++) {
                if (syms[i] == a && syms[i + 1] == b) {
                    return true;
                }
            }
            return false;
        }

        private static int left(long pair) {
            return (int) (pair >>> 32);
        }

        private static int right(long pair) {
            return (int) pair;
        }
    }

    /** A heap entry; {@code count} may be stale and is checked against the pair map when popped. */
    private record Candidate(long pair, long count) {}

    /** Growable int array, to keep the pair → words index free of boxing. */
    private static final class IntList {
        int[] items = new int[4];
        int size;

        void add(int v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        int last() {
            return items[size - 1];
        }
    }

    /**
     * Command line: {@code --corpus a.jsonl,b.txt --vocab-size 4096 --out dir [--min-frequency 2]}.
     * Trains with the ChatML special tokens and writes the Hugging Face tokenizer files.
     */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new TrainTokenizerCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("train-tokenizer: " + e);
                    return 1;
                });
        System.exit(cli.execute(args));
    }

    /** Builder in DJL style. */
    public static final class Builder {
        private int vocabSize = -1;
        private List<String> specialTokens = List.of();
        private long minFrequency = 2;
        private PreTokenizer preTokenizer = PreTokenizer.standard();

        private Builder() {}

        /** Final vocabulary size, special tokens and the 256 byte symbols included (required). */
        public Builder setVocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        /** Special tokens; they get ids 0, 1, … in this order. Default: none. */
        public Builder optSpecialTokens(List<String> specialTokens) {
            this.specialTokens = Objects.requireNonNull(specialTokens, "specialTokens");
            return this;
        }

        /** Stop when the best pair occurs fewer times than this. Default 2. */
        public Builder optMinFrequency(long minFrequency) {
            if (minFrequency < 1) {
                throw new IllegalArgumentException("minFrequency must be at least 1, got " + minFrequency);
            }
            this.minFrequency = minFrequency;
            return this;
        }

        /** Default {@link PreTokenizer#standard()}. */
        public Builder optPreTokenizer(PreTokenizer preTokenizer) {
            this.preTokenizer = Objects.requireNonNull(preTokenizer, "preTokenizer");
            return this;
        }

        public BpeTrainer build() {
            if (vocabSize < 0) {
                throw new IllegalStateException("setVocabSize(...) is required");
            }
            return new BpeTrainer(this);
        }
    }
}
