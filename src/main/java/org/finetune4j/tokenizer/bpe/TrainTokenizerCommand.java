package org.finetune4j.tokenizer.bpe;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command behind {@link BpeTrainer#main}: trains a ChatML BPE tokenizer and saves it. */
@Command(name = "train-tokenizer", mixinStandardHelpOptions = true,
        description = "Trains a byte-level BPE tokenizer with ChatML special tokens and writes Hugging Face tokenizer files.")
final class TrainTokenizerCommand implements Callable<Integer> {
    static final List<String> CHATML_SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");

    @Option(names = "--corpus", required = true, split = ",",
            description = "Comma-separated .jsonl (OpenAI messages) and .txt (one text per line) files.")
    List<Path> corpus;

    @Option(names = "--vocab-size", defaultValue = "4096", description = "Vocabulary size (default ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(names = "--min-frequency", defaultValue = "2", description = "Minimum pair count to merge (default ${DEFAULT-VALUE}).")
    long minFrequency;

    @Option(names = "--out", required = true, description = "Directory for tokenizer.json, tokenizer_config.json, special_tokens_map.json.")
    Path out;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        List<String> texts = TrainingCorpus.read(corpus);
        BpeModel model = BpeTrainer.builder()
                .setVocabSize(vocabSize)
                .optSpecialTokens(CHATML_SPECIAL_TOKENS)
                .optMinFrequency(minFrequency)
                .build()
                .train(texts);
        model.save(out, TokenizerFiles.chatMl());
        System.out.printf("trained %d tokens (%d merges) from %d texts in %.1f s; wrote %s%n",
                model.vocabSize(), model.merges().size(), texts.size(), (System.nanoTime() - t0) / 1e9, out);
        return 0;
    }
}
