package org.finetune4j.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Fixed micro-batches, visited in a seeded shuffled order per epoch (or in order when unshuffled). */
public final class ListBatchSource implements BatchSource {
    private final List<TokenBatch> batches;
    private final long seed;
    private final boolean shuffle;

    public ListBatchSource(List<TokenBatch> batches, long seed, boolean shuffle) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("no batches");
        }
        this.batches = List.copyOf(batches);
        this.seed = seed;
        this.shuffle = shuffle;
    }

    @Override
    public int batchesPerEpoch() {
        return batches.size();
    }

    @Override
    public TokenBatch batch(int epoch, int index) {
        if (!shuffle) {
            return batches.get(index);
        }
        List<Integer> order = new ArrayList<>(batches.size());
        for (int i = 0; i < batches.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
        return batches.get(order.get(index));
    }
}
