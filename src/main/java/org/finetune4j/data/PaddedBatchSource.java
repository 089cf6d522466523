package org.finetune4j.data;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Micro-batches of {@code batchSize} rows, right-padded to the longest row of the batch (pad tokens carry
 * label IGNORE and segment -1; their positions continue the row's last sample). Rows are visited in an
 * order that is a pure function of the seed and the epoch, so training can resume at any
 * (epoch, index); the last batch of an epoch may be smaller.
 */
public final class PaddedBatchSource implements BatchSource {
    private final List<PackedRow> rows;
    private final int batchSize;
    private final long padId;
    private final long seed;
    private final boolean shuffle;
    private volatile EpochOrder cached;

    private record EpochOrder(int epoch, int[] order) {}

    /**
     * @param rows      the rows (see {@link Packer})
     * @param batchSize rows per micro-batch
     * @param padId     token id written at padding (the pad token, else EOS); it is never a target
     * @param seed      shuffle seed
     * @param shuffle   whether each epoch visits the rows in a new seeded order (false: input order)
     */
    public PaddedBatchSource(List<PackedRow> rows, int batchSize, long padId, long seed, boolean shuffle) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to batch");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.rows = List.copyOf(rows);
        this.batchSize = batchSize;
        this.padId = padId;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    @Override
    public int batchesPerEpoch() {
        return (rows.size() + batchSize - 1) / batchSize;
    }

    public int rowCount() {
        return rows.size();
    }

    public List<PackedRow> rows() {
        return rows;
    }

    /** The row indices of {@code epoch} in visiting order. */
    public int[] order(int epoch) {
        EpochOrder c = cached;
        if (c == null || c.epoch != epoch) {
            int[] order = new int[rows.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            if (shuffle) {
                Random random = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
                for (int i = order.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
            }
            c = new EpochOrder(epoch, order);
            cached = c;
        }
        return c.order.clone();
    }

    @Override
    public TokenBatch batch(int epoch, int index) {
        if (epoch < 0 || index < 0 || index >= batchesPerEpoch()) {
            throw new IndexOutOfBoundsException("batch " + index + " of epoch " + epoch + "; there are "
                    + batchesPerEpoch() + " per epoch");
        }
        int[] order = order(epoch);
        int from = index * batchSize;
        int to = Math.min(order.length, from + batchSize);
        int b = to - from;
        int t = 0;
        for (int i = from; i < to; i++) {
            t = Math.max(t, rows.get(order[i]).length());
        }
        long[][] ids = new long[b][t];          // (B, T)
        long[][] labels = new long[b][t];       // (B, T)
        int[][] segments = new int[b][t];       // (B, T)
        long[][] positions = new long[b][t];    // (B, T)
        for (int r = 0; r < b; r++) {
            PackedRow row = rows.get(order[from + r]);
            int n = row.length();
            System.arraycopy(row.inputIds(), 0, ids[r], 0, n);
            System.arraycopy(row.labels(), 0, labels[r], 0, n);
            System.arraycopy(row.segments(), 0, segments[r], 0, n);
            System.arraycopy(row.positions(), 0, positions[r], 0, n);
            Arrays.fill(ids[r], n, t, padId);
            Arrays.fill(labels[r], n, t, TokenBatch.IGNORE);
            Arrays.fill(segments[r], n, t, -1);
            long next = n == 0 ? 0 : row.positions()[n - 1] + 1;
            for (int p = n; p < t; p++) {
                positions[r][p] = next++;
            }
        }
        return new TokenBatch(ids, labels, segments, positions);
    }
}
