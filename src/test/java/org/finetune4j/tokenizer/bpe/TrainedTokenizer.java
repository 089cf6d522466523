package org.finetune4j.tokenizer.bpe;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.finetune4j.runtime.Djl;

/**
 * A 1,000-token ChatML BPE trained on the synthetic bilingual corpus plus {@code extra}, saved to a
 * directory and loaded back with the Rust {@code tokenizers} library through DJL, for round-trip tests.
 */
record TrainedTokenizer(BpeModel model, HuggingFaceTokenizer djl) implements AutoCloseable {

    static TrainedTokenizer train(Path dir, PreTokenizer pre, List<String> extra) throws IOException {
        List<String> corpus = new ArrayList<>(SyntheticBilingualCorpus.sentences(3000, 11));
        corpus.addAll(SyntheticBilingualCorpus.syllableSentences(3000, 12));
        corpus.addAll(extra);
        BpeModel model = BpeTrainer.builder().setVocabSize(1000)
                .optSpecialTokens(List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>")).optMinFrequency(2)
                .optPreTokenizer(pre).build().train(corpus);
        model.save(dir, TokenizerFiles.chatMl());
        Djl.configure();
        return new TrainedTokenizer(model, HuggingFaceTokenizer.newInstance(dir,
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false")));
    }

    @Override
    public void close() {
        djl.close();
    }
}
