package org.finetune4j.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic train/validation split: the items are shuffled with a seeded generator and the first
 * ones become the validation set, so the same seed always holds out the same examples.
 */
public final class DatasetSplitter {
    private DatasetSplitter() {}

    /**
     * The two parts of a split.
     *
     * @param train      the items learned from
     * @param validation the held-out items
     */
    public record Split<T>(List<T> train, List<T> validation) {
        public Split {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
        }
    }

    /**
     * Holds out {@code round(fraction · n)} items, at least one when {@code fraction > 0} and at most
     * {@code n - 1} so that training keeps one.
     */
    public static <T> Split<T> splitFraction(List<T> items, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + fraction);
        }
        int n = items.size();
        int count = fraction == 0 ? 0 : (int) Math.max(1, Math.round(fraction * n));
        return splitCount(items, Math.min(count, Math.max(0, n - 1)), seed);
    }

    /** Holds out exactly {@code count} items (fewer than there are). */
    public static <T> Split<T> splitCount(List<T> items, int count, long seed) {
        if (count < 0 || (count > 0 && count >= items.size())) {
            throw new IllegalArgumentException("cannot hold out " + count + " of " + items.size()
                    + " items and keep at least one for training");
        }
        List<T> shuffled = shuffled(items, seed);
        return new Split<>(shuffled.subList(count, shuffled.size()), shuffled.subList(0, count));
    }

    /** A copy of {@code items} in a seeded random order (Fisher–Yates with {@link Random}, stable across JVMs). */
    public static <T> List<T> shuffled(List<T> items, long seed) {
        List<T> out = new ArrayList<>(items);
        Random random = new Random(seed);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T tmp = out.get(i);
            out.set(i, out.get(j));
            out.set(j, tmp);
        }
        return out;
    }
}
