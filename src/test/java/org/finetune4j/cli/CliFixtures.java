package org.finetune4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.io.HostTensor;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.WeightSource;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.rag.RetrievalConfig;
import org.finetune4j.tokenizer.HfTokenizer;
import picocli.CommandLine;

/**
 * A tiny random Llama saved as an HF directory with the test tokenizer (byte-level BPE, ChatML template), chat
 * data whose answers are JSON, a schema, and a LoRA recipe over them; created once per JVM under a temporary
 * directory. Also runs the command line and captures what it prints.
 */
final class CliFixtures {
    static final Path TOKENIZER = Path.of("src/test/resources/tiny-tokenizer");
    static final String SYSTEM = "JSON";
    static final String[] NAMES = {"budi", "sari", "andi", "joko", "rina", "dewi", "agus", "tono"};

    private static Path root;

    private CliFixtures() {}

    /** The fixture directory: {@code model/}, {@code train.jsonl}, {@code test.jsonl}, {@code schema.json}. */
    static synchronized Path root() {
        if (root == null) {
            try {
                root = create();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static Path modelDir() {
        return root().resolve("model");
    }

    private static Path create() throws IOException {
        Path dir = Files.createTempDirectory("finetune4j-cli");
        Path model = dir.resolve("model");
        try (HfTokenizer tok = HfTokenizer.load(TOKENIZER)) {
            LlamaConfig c = LlamaConfig.builder().setVocabSize(tok.vocabSize()).setHiddenSize(32)
                    .setIntermediateSize(48).setNumHiddenLayers(2).setNumAttentionHeads(4).optNumKeyValueHeads(2)
                    .optMaxPositionEmbeddings(256).build();
            WeightSource w = LlamaForCausalLM.randomWeights(c, 5, 0.2);
            Map<String, HostTensor> weights = new LinkedHashMap<>();
            for (String n : w.names()) {
                weights.put(n, w.get(n));
            }
            PretrainedModel.save(c, weights, GenerationConfig.DEFAULTS, model, PretrainedModel.DEFAULT_MAX_SHARD_BYTES);
        }
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            Files.copy(TOKENIZER.resolve(f), model.resolve(f));
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            lines.add(line("tf " + (i + 1) + "0rb ke " + NAMES[i], NAMES[i], i));
        }
        Files.write(dir.resolve("train.jsonl"), lines);
        Files.write(dir.resolve("test.jsonl"), lines.subList(0, 3));
        Files.writeString(dir.resolve("schema.json"), """
                {"type": "object", "required": ["to"], "properties": {"to": {"type": "string"}}}
                """);
        return dir;
    }

    private static String line(String user, String to, int i) {
        return "{\"messages\": [{\"role\": \"system\", \"content\": \"" + SYSTEM + "\"}, "
                + "{\"role\": \"user\", \"content\": \"" + user + "\"}, "
                + "{\"role\": \"assistant\", \"content\": \"{\\\"to\\\": \\\"" + to + "\\\"}\"}], "
                + "\"meta\": {\"id\": \"ex" + i + "\", \"lang\": \"" + (i % 2 == 0 ? "id" : "en") + "\"}}";
    }

    /** A LoRA recipe on the fixture writing into {@code out}: 3 steps, a checkpoint after each, eval on 2 lines. */
    static Path loraRecipe(Path dir, Path out) throws IOException {
        Path r = root();
        return Files.writeString(dir.resolve("lora.yaml"), """
                model:
                  path: %s
                data:
                  train: %s
                  format: openai
                  max_length: 96
                  packing: false
                  validation_count: 2
                  seed: 1
                technique:
                  type: lora
                  r: 4
                  alpha: 8
                  target_modules: [q_proj, v_proj, down_proj]
                trainer:
                  learning_rate: 2e-2
                  max_steps: 3
                  batch_size: 2
                  schedule: linear
                  checkpoint_every: 1
                  keep_checkpoints: 0
                  eval_every: 2
                  seed: 3
                output:
                  dir: %s
                  save_merged: true
                eval:
                  file: %s
                  schema: %s
                  limit: 2
                  group_by: [lang]
                  batch_size: 2
                  max_new_tokens: 4
                """.formatted(r.resolve("model"), r.resolve("train.jsonl"), out, r.resolve("test.jsonl"),
                r.resolve("schema.json")));
    }

    private static Path trainedRun;

    /** The run directory of one {@code train} of {@link #loraRecipe} (made once per JVM). */
    static synchronized Path trainedRun() throws IOException {
        if (trainedRun == null) {
            Path out = root().resolve("trained");
            Run run = run("train", loraRecipe(root(), out).toString(), "eval=null", "output.save_merged=false");
            if (run.exitCode() != 0) {
                throw new IllegalStateException("training the fixture adapter failed: " + run);
            }
            trainedRun = out;
        }
        return trainedRun;
    }

    /** Retrieval settings on the fixture's training file: shown as "Mirip / similar: MESSAGE = TO". */
    static final RetrievalConfig RETRIEVAL = new RetrievalConfig("train.jsonl", "meta.id", "Mirip / similar:", "to", 1);

    /** A copy of {@link #trainedRun}'s adapter in {@code dir}, saved with {@link #RETRIEVAL}. */
    static Path adapterWithRetrieval(Path dir) throws IOException {
        Path adapter = Files.createDirectories(dir.resolve("adapter-rag"));
        try (var files = Files.list(trainedRun().resolve("adapter"))) {
            for (Path f : files.toList()) {
                Files.copy(f, adapter.resolve(f.getFileName()));
            }
        }
        RETRIEVAL.saveTo(adapter, root().resolve("train.jsonl"));
        return adapter;
    }

    /** What one command-line run returned and printed. */
    record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    static Run run(String... args) {
        return run(Main.commandLine(), args);
    }

    /** Runs {@code cli} (configured with {@link Main#configure}) and captures its output and errors. */
    static Run run(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
