package org.finetune4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetSplitterTest {
    private static final List<Integer> ITEMS = IntStream.range(0, 100).boxed().toList();

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        DatasetSplitter.Split<Integer> a = DatasetSplitter.splitFraction(ITEMS, 0.1, 42);
        DatasetSplitter.Split<Integer> b = DatasetSplitter.splitFraction(new ArrayList<>(ITEMS), 0.1, 42);
        DatasetSplitter.Split<Integer> c = DatasetSplitter.splitFraction(ITEMS, 0.1, 43);
        assertEquals(a, b);
        assertNotEquals(a.validation(), c.validation());
        assertEquals(10, a.validation().size());
        assertEquals(90, a.train().size());
        TreeSet<Integer> union = new TreeSet<>(a.train());
        union.addAll(a.validation());
        assertEquals(new TreeSet<>(ITEMS), union);
    }

    @Test
    void countsAreRoundedAndBounded() {
        assertEquals(0, DatasetSplitter.splitFraction(ITEMS, 0, 1).validation().size());
        assertEquals(1, DatasetSplitter.splitFraction(ITEMS.subList(0, 10), 0.01, 1).validation().size());
        assertEquals(1, DatasetSplitter.splitFraction(ITEMS.subList(0, 2), 0.9, 1).validation().size());
        assertEquals(25, DatasetSplitter.splitCount(ITEMS, 25, 1).validation().size());
        assertThrows(IllegalArgumentException.class, () -> DatasetSplitter.splitCount(ITEMS, 100, 1));
        assertThrows(IllegalArgumentException.class, () -> DatasetSplitter.splitFraction(ITEMS, 1.0, 1));
    }

    @Test
    void shuffleIsAPermutation() {
        List<Integer> shuffled = DatasetSplitter.shuffled(ITEMS, 5);
        assertNotEquals(ITEMS, shuffled);
        assertEquals(new TreeSet<>(ITEMS), new TreeSet<>(shuffled));
        assertEquals(100, shuffled.size());
    }
}
