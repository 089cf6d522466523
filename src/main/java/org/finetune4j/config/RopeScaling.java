package org.finetune4j.config;

/**
 * The {@code rope_scaling} block of config.json (or the scaling keys of {@code rope_parameters}).
 *
 * @param type                          scaling kind
 * @param factor                        overall factor (linear, llama3)
 * @param lowFreqFactor                 llama3 only
 * @param highFreqFactor                llama3 only
 * @param originalMaxPositionEmbeddings llama3 only: the pre-training context length
 */
public record RopeScaling(RopeType type, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositionEmbeddings) {

    public static final RopeScaling NONE = new RopeScaling(RopeType.DEFAULT, 1, 1, 1, 0);

    /**
     * Scales base inverse frequencies {@code invFreq[i] = 1/theta^(2i/d)} in place, as HF's
     * {@code modeling_rope_utils} does for this type.
     */
    public void apply(double[] invFreq) {
        switch (type) {
            case DEFAULT -> { }
            case LINEAR -> {
                for (int i = 0; i < invFreq.length; i++) {
                    invFreq[i] /= factor;
                }
            }
            case LLAMA3 -> {
                double lowWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
                double highWavelen = originalMaxPositionEmbeddings / highFreqFactor;
                for (int i = 0; i < invFreq.length; i++) {
                    double wavelen = 2 * Math.PI / invFreq[i];
                    if (wavelen < highWavelen) {
                        continue; // high frequencies are kept
                    } else if (wavelen > lowWavelen) {
                        invFreq[i] /= factor; // low frequencies are scaled
                    } else { // blend between the two regimes
                        double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                        invFreq[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
                    }
                }
            }
        }
    }
}
