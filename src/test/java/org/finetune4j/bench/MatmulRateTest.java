package org.finetune4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.finetune4j.config.LlamaConfig;
import org.junit.jupiter.api.Test;

class MatmulRateTest {

    @Test
    void theModelShapeMixCoversExactlyTheProjectionsTheFlopCounterCounts() {
        // grouped-query attention and a head dimension that is not dim / heads' usual split: every shape term counts
        LlamaConfig c = LlamaConfig.builder().setVocabSize(61).setHiddenSize(48).setIntermediateSize(80)
                .setNumHiddenLayers(3).setNumAttentionHeads(6).optNumKeyValueHeads(2)
                .optMaxPositionEmbeddings(64).build();
        int tokens = 20;
        List<MatmulRate.ProductShape> products = MatmulRate.modelProducts(c, tokens);
        double flops = products.stream().mapToDouble(MatmulRate.ProductShape::flops).sum();
        assertEquals(2.0 * tokens * FlopCounter.matmulParameters(c), flops, 1e-6);
        for (MatmulRate.ProductShape p : products) {
            assertEquals(tokens, p.m(), p.name());
        }
    }
}
