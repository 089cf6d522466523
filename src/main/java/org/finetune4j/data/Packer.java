package org.finetune4j.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns samples into rows: one sample per row, or several short samples packed into rows of at most
 * {@code maxLength} tokens without splitting any (best-fit decreasing, as TRL's {@code "bfd"}).
 *
 * <p>Packing is exact only together with attention isolation: every token carries its sample's
 * segment number (the model's attention lets a query see a key only within the same segment),
 * positions restart at 0 per sample, and the first label of every sample is IGNORE so the last token
 * of one sample is not trained to predict the start of the next.
 */
public final class Packer {
    private Packer() {}

    /** One row per sample, in order: segment 0, positions 0…T-1, labels unchanged. */
    public static List<PackedRow> unpacked(List<TokenizedSample> samples) {
        List<PackedRow> rows = new ArrayList<>(samples.size());
        for (TokenizedSample s : samples) {
            rows.add(concatenate(List.of(s), false));
        }
        return rows;
    }

    /**
     * Best-fit decreasing: samples sorted by length (longest first; ties keep input order) each go into
     * the row with the least free space that still fits them (ties: the oldest row), or open a new row.
     * Deterministic for a given input order.
     *
     * @throws IllegalArgumentException when a sample is longer than {@code maxLength} (truncate first)
     */
    public static List<PackedRow> pack(List<TokenizedSample> samples, int maxLength) {
        List<Integer> order = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            TokenizedSample s = samples.get(i);
            if (s.length() > maxLength) {
                throw new IllegalArgumentException(s.source() + ": " + s.length() + " tokens do not fit a row of "
                        + maxLength + "; truncate before packing");
            }
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingInt(i -> -samples.get(i).length()).thenComparingInt(i -> i));

        List<List<TokenizedSample>> bins = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        TreeMap<Integer, TreeSet<Integer>> binsByFree = new TreeMap<>(); // free space -> bin indices
        for (int i : order) {
            TokenizedSample s = samples.get(i);
            Integer fit = binsByFree.ceilingKey(s.length());
            int bin;
            if (fit == null) {
                bin = bins.size();
                bins.add(new ArrayList<>());
                free.add(maxLength);
            } else {
                TreeSet<Integer> candidates = binsByFree.get(fit);
                bin = candidates.pollFirst();
                if (candidates.isEmpty()) {
                    binsByFree.remove(fit);
                }
            }
            bins.get(bin).add(s);
            int left = free.get(bin) - s.length();
            free.set(bin, left);
            binsByFree.computeIfAbsent(left, k -> new TreeSet<>()).add(bin);
        }
        List<PackedRow> rows = new ArrayList<>(bins.size());
        for (List<TokenizedSample> bin : bins) {
            rows.add(concatenate(bin, true));
        }
        return rows;
    }

    private static PackedRow concatenate(List<TokenizedSample> samples, boolean ignoreFirstLabels) {
        int total = samples.stream().mapToInt(TokenizedSample::length).sum();
        long[] ids = new long[total];
        long[] labels = new long[total];
        int[] segments = new int[total];
        long[] positions = new long[total];
        List<String> sources = new ArrayList<>(samples.size());
        int at = 0;
        for (int seg = 0; seg < samples.size(); seg++) {
            TokenizedSample s = samples.get(seg);
            System.arraycopy(s.inputIds(), 0, ids, at, s.length());
            System.arraycopy(s.labels(), 0, labels, at, s.length());
            if (ignoreFirstLabels) {
                labels[at] = TokenBatch.IGNORE;
            }
            for (int t = 0; t < s.length(); t++) {
                segments[at + t] = seg;
                positions[at + t] = t;
            }
            sources.add(s.source());
            at += s.length();
        }
        return new PackedRow(ids, labels, segments, positions, sources);
    }
}
