package org.finetune4j.tokenizer.bpe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained byte-level BPE tokenizer: special tokens, the 256 byte symbols and the ordered merges.
 *
 * <p>Ids are assigned as the Hugging Face ChatML models do: special tokens first ({@code 0, 1, …}),
 * then the 256 byte symbols in byte order ({@code k + b} for byte {@code b}), then one id per merge
 * in merge order (a merge whose result already exists reuses that id, as the HF trainer does).
 *
 * <p>{@link #encode} is a pure-Java reference encoder that mirrors the HF {@code tokenizers}
 * pipeline of the file {@link #save} writes: special tokens cut out first, no normalizer, the
 * {@link PreTokenizer} regex split, byte-level mapping, then merges applied lowest rank first
 * (leftmost occurrence on ties). Instances are immutable and thread-safe.
 */
public final class BpeModel {
    private final List<String> specialTokens;
    private final List<BpeMerge> merges;
    private final PreTokenizer preTokenizer;
    private final SpecialTokenSplitter splitter;
    /** id → token string. */
    private final List<String> tokens;
    /** token string → id. */
    private final Map<String, Integer> ids;
    /** (leftId << 32 | rightId) → (rank << 32 | mergedId). */
    private final Map<Long, Long> mergeTable;

    /**
     * Builds the vocabulary from {@code specialTokens} and {@code merges}.
     *
     * @throws IllegalArgumentException if a merge uses a token that does not exist before it, if a
     *     pair is merged twice, or if a special token collides with a byte-level token
     */
    public BpeModel(List<String> specialTokens, List<BpeMerge> merges, PreTokenizer preTokenizer) {
        this.specialTokens = List.copyOf(specialTokens);
        this.merges = List.copyOf(merges);
        this.preTokenizer = Objects.requireNonNull(preTokenizer, "preTokenizer");
        this.splitter = new SpecialTokenSplitter(this.specialTokens);
        List<String> tokenList = new ArrayList<>();
        Map<String, Integer> idMap = new HashMap<>();
        for (String s : this.specialTokens) {
            addToken(tokenList, idMap, s, "special token");
        }
        for (int b = 0; b < 256; b++) {
            addToken(tokenList, idMap, String.valueOf(ByteLevelAlphabet.toChar(b)), "byte symbol");
        }
        Map<Long, Long> table = new HashMap<>();
        for (int rank = 0; rank < this.merges.size(); rank++) {
            BpeMerge m = this.merges.get(rank);
            Integer left = idMap.get(m.left());
            Integer right = idMap.get(m.right());
            if (left == null || right == null || left < this.specialTokens.size() || right < this.specialTokens.size()) {
                throw new IllegalArgumentException("merge " + rank + " " + m + " uses a token not in the vocabulary before it");
            }
            Integer merged = idMap.get(m.merged());
            if (merged == null) {
                merged = tokenList.size();
                addToken(tokenList, idMap, m.merged(), "merge result");
            } else if (merged < this.specialTokens.size()) {
                throw new IllegalArgumentException("merge " + rank + " " + m + " produces special token " + m.merged());
            }
            if (table.put(pairKey(left, right), ((long) rank << 32) | merged) != null) {
                throw new IllegalArgumentException("merge " + rank + " " + m + " repeats an earlier merge");
            }
        }
        this.tokens = Collections.unmodifiableList(tokenList);
        this.ids = Collections.unmodifiableMap(idMap);
        this.mergeTable = table;
    }

    private static void addToken(List<String> tokens, Map<String, Integer> ids, String token, String what) {
        if (ids.putIfAbsent(token, tokens.size()) != null) {
            throw new IllegalArgumentException(what + " \"" + token + "\" is already in the vocabulary");
        }
        tokens.add(token);
    }

    static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** Number of tokens (specials + 256 bytes + distinct merge results). */
    public int vocabSize() {
        return tokens.size();
    }

    /** Token → id, in no particular order; see {@link #token(int)} for the id order. */
    public Map<String, Integer> vocab() {
        return ids;
    }

    /** The token string with {@code id} (byte-level alphabet, or a special token verbatim). */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokens.size() + ")");
        }
        return tokens.get(id);
    }

    /** The id of {@code token}, or -1 if it is not in the vocabulary. */
    public int tokenId(String token) {
        return ids.getOrDefault(token, -1);
    }

    /** The merges in rank order. */
    public List<BpeMerge> merges() {
        return merges;
    }

    /** The special tokens; the i-th has id i. */
    public List<String> specialTokens() {
        return specialTokens;
    }

    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    /**
     * Token ids of {@code text}; special tokens in the text become their single ids. A lone
     * surrogate (not valid Unicode) is encoded as {@code '?'}, as {@link String#getBytes} does.
     */
    public long[] encode(String text) {
        List<Integer> out = new ArrayList<>();
        for (SpecialTokenSplitter.Segment seg : splitter.split(text)) {
            if (seg.isSpecial()) {
                out.add(seg.specialIndex());
                continue;
            }
            for (String piece : preTokenizer.split(seg.text())) {
                encodePiece(piece, out);
            }
        }
        long[] result = new long[out.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = out.get(i);
        }
        return result;
    }

    /** Applies the merges to one pre-token: always the lowest-ranked adjacent pair, leftmost first. */
    private void encodePiece(String piece, List<Integer> out) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        int[] symbols = new int[bytes.length];
        int n = bytes.length;
        int byteBase = specialTokens.size();
        for (int i = 0; i < n; i++) {
            symbols[i] = byteBase + (bytes[i] & 0xFF);
        }
        while (n > 1) {
            long bestRank = Long.MAX_VALUE;
            int bestPos = -1;
            int bestId = -1;
            for (int i = 0; i + 1 < n; i++) {
                Long entry = mergeTable.get(pairKey(symbols[i], symbols[i + 1]));
                if (entry != null && (entry >>> 32) < bestRank) {
                    bestRank = entry >>> 32;
                    bestPos = i;
                    bestId = (int) (entry & 0xFFFFFFFFL);
                }
            }
            if (bestPos < 0) {
                break;
            }
            symbols[bestPos] = bestId;
            System.arraycopy(symbols, bestPos + 2, symbols, bestPos + 1, n - bestPos - 2);
            n--;
        }
        for (int i = 0; i < n; i++) {
            out.add(symbols[i]);
        }
    }

    /**
     * The text of {@code ids}: special tokens verbatim, other tokens mapped back to bytes, and the
     * bytes decoded as UTF-8 with invalid sequences replaced by U+FFFD.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String decode(long[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long id : ids) {
            if (id < 0 || id >= tokens.size()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokens.size() + ")");
            }
            String token = tokens.get((int) id);
            byte[] b = id < specialTokens.size()
                    ? token.getBytes(StandardCharsets.UTF_8)
                    : ByteLevelAlphabet.decode(token);
            bytes.write(b, 0, b.length);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Tokens in id order, as {@code tokenizer.json}'s {@code model.vocab} lists them. */
    Map<String, Integer> vocabInIdOrder() {
        Map<String, Integer> ordered = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ordered.put(tokens.get(i), i);
        }
        return ordered;
    }

    /**
     * Writes {@code tokenizer.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json}
     * into {@code dir} (created if missing), each through a temporary file and an atomic rename.
     *
     * @throws IllegalArgumentException if a token named in {@code options} is not a special token
     */
    public void save(Path dir, TokenizerFiles options) throws IOException {
        new HfTokenizerWriter(this, options).write(dir);
    }
}
