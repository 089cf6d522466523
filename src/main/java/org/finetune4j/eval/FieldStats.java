package org.finetune4j.eval;

/**
 * Pair counts for one field name ({@link JsonLeaf#field()}) over a set of answers.
 *
 * @param field     field name, array indices erased ({@code items[].price})
 * @param gold      gold pairs with this field name
 * @param predicted predicted pairs with this field name (0 from unparseable answers)
 * @param correct   predicted pairs equal to the gold pair at the same path
 */
public record FieldStats(String field, int gold, int predicted, int correct) {

    /** correct / gold: the guide's per-field accuracy (identical to recall). 0 when there is no gold pair. */
    public double accuracy() {
        return ratio(correct, gold);
    }

    /** correct / predicted; 0 when nothing was predicted. */
    public double precision() {
        return ratio(correct, predicted);
    }

    /** correct / gold; 0 when there is no gold pair. */
    public double recall() {
        return ratio(correct, gold);
    }

    /** Harmonic mean of precision and recall; 0 when both are 0. */
    public double f1() {
        return f1(precision(), recall());
    }

    static double ratio(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }

    static double f1(double p, double r) {
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }

    FieldStats plus(int g, int p, int c) {
        return new FieldStats(field, gold + g, predicted + p, correct + c);
    }
}
