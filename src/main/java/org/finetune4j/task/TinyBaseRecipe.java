package org.finetune4j.task;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.ConfigException;
import org.finetune4j.config.GenerationConfig;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.data.ChatDatasetReader;
import org.finetune4j.data.Packer;
import org.finetune4j.data.TrainingConversation;
import org.finetune4j.data.PackedRow;
import org.finetune4j.data.PaddedBatchSource;
import org.finetune4j.data.TokenizedSample;
import org.finetune4j.io.AtomicFiles;
import org.finetune4j.model.ModelResources;
import org.finetune4j.model.PretrainedModel;
import org.finetune4j.model.WeightSource;
import org.finetune4j.model.llama.LlamaForCausalLM;
import org.finetune4j.peft.FullFineTuningConfig;
import org.finetune4j.peft.PeftModel;
import org.finetune4j.runtime.DevicePolicy;
import org.finetune4j.runtime.Djl;
import org.finetune4j.tokenizer.HfTokenizer;
import org.finetune4j.tokenizer.bpe.BpeModel;
import org.finetune4j.tokenizer.bpe.BpeTrainer;
import org.finetune4j.tokenizer.bpe.TokenizerFiles;
import org.finetune4j.train.ConsoleProgressBar;
import org.finetune4j.train.CsvMetricsLogger;
import org.finetune4j.train.EvalEvent;
import org.finetune4j.train.ScheduleType;
import org.finetune4j.train.StandardBackprop;
import org.finetune4j.train.Trainer;
import org.finetune4j.train.TrainerConfig;
import org.finetune4j.train.TrainingListener;
import org.finetune4j.train.TrainingResult;
import org.finetune4j.train.ValidationLoss;

/**
 * How the bundled tiny base model ({@code data/models/tiny-base/}) is made, end to end, with the
 * project's own code: a byte-level BPE tokenizer trained on the task corpus, then a small Llama
 * pretrained with FULL fine-tuning on the PROSE variant of the payments data, so that it answers task
 * messages in prose — and fine-tuning has something to change.
 */
public final class TinyBaseRecipe {
    public static final String[] SPECIAL_TOKENS = {"<|endoftext|>", "<|im_start|>", "<|im_end|>"};

    private TinyBaseRecipe() {}

    /**
     * Options of a pretraining run: the corpus stage, and before it the copy warm-up ({@link CopyWarmup}).
     *
     * <p>{@code corpusDraws} is how many draws of the corpus one epoch holds: the first is the task directory's
     * prose and transaction-log files; each further draw is a fresh sample of the same generators (the bundled
     * {@link PaymentDataGenerator}'s training split and {@link LedgerCorpus}, seeds
     * {@link PaymentDataGenerator#DEFAULT_SEED} + 1, + 2, …): new names, amounts, dates, word orders and typos
     * from the training templates and name pools, never the held-out ones. Four draws in one epoch cost what four
     * epochs over one draw cost, and show the model four times as many different messages.
     *
     * <p>{@code generalDocuments} is how many {@link GeneralTextCorpus} documents (what words mean, in both
     * languages, and small talk) each draw adds, with the draw's seed; 0 leaves general text out. The tokenizer is
     * trained on the first draw's general text too. {@code calendarDocuments} is how many {@link CalendarCorpus}
     * notes (what "besok", "Jumat depan", "in 5 days" mean against a stated day) each draw adds; 0 leaves them out.
     */
    public record Options(int vocabSize, int epochs, int corpusDraws, int generalDocuments, int calendarDocuments,
            int batchRows, int rowLength, double learningRate, long seed, int maxSteps, CopyWarmup warmup,
            Architecture architecture) {
        public Options {
            if (epochs < 1 || corpusDraws < 1 || generalDocuments < 0 || calendarDocuments < 0) {
                throw new IllegalArgumentException("epochs and corpus draws must be >= 1, general documents and "
                        + "calendar documents >= 0, got " + epochs + ", " + corpusDraws + ", " + generalDocuments
                        + " and " + calendarDocuments);
            }
            Objects.requireNonNull(warmup, "warmup");
            Objects.requireNonNull(architecture, "architecture");
        }

        public static Options defaults() {
            return new Options(4096, 1, 4, DEFAULT_GENERAL_DOCUMENTS, DEFAULT_CALENDAR_DOCUMENTS, 16, 256, 2e-3, 42, 0,
                    CopyWarmup.defaults(), Architecture.defaults());
        }

        /**
         * The {@code pretrain-tiny-base} flags that give these options, those equal to the defaults left out, so
         * the model card's reproduce line is exact ("" for the defaults).
         */
        String commandLineFlags() {
            Options d = defaults();
            StringBuilder sb = new StringBuilder();
            flag(sb, "--epochs", epochs, d.epochs);
            flag(sb, "--corpus-draws", corpusDraws, d.corpusDraws);
            flag(sb, "--general-documents", generalDocuments, d.generalDocuments);
            flag(sb, "--calendar-documents", calendarDocuments, d.calendarDocuments);
            flag(sb, "--max-steps", maxSteps, d.maxSteps);
            flag(sb, "--lr", learningRate, d.learningRate);
            flag(sb, "--batch-rows", batchRows, d.batchRows);
            flag(sb, "--row-length", rowLength, d.rowLength);
            flag(sb, "--seed", seed, d.seed);
            flag(sb, "--copy-warmup-steps", warmup.maxSteps(), d.warmup.maxSteps());
            flag(sb, "--hidden-size", architecture.hiddenSize(), d.architecture.hiddenSize());
            flag(sb, "--layers", architecture.layers(), d.architecture.layers());
            flag(sb, "--intermediate-size", architecture.intermediateSize(), d.architecture.intermediateSize());
            return sb.toString().strip();
        }

        private static void flag(StringBuilder sb, String name, Object value, Object byDefault) {
            if (!value.equals(byDefault)) {
                sb.append(' ').append(name).append(' ').append(value);
            }
        }
    }

    /**
     * The model's shape: Llama with a tied head, {@code heads} query heads of {@code hiddenSize / heads} dimensions
     * sharing {@code kvHeads} key/value heads, SwiGLU of width {@code intermediateSize}. The vocabulary comes from
     * the tokenizer. Compute per token grows with {@code layers × hiddenSize × (hiddenSize + intermediateSize)}, and
     * the pretraining and the quickstart with it.
     */
    public record Architecture(int hiddenSize, int layers, int heads, int kvHeads, int intermediateSize,
            int contextLength) {
        /**
         * Checked when the flags are read, not after the tokenizer is trained, by {@link LlamaConfig}'s own rules
         * (positive sizes, heads in whole KV groups, an even head size for the rotary pairs) on a placeholder
         * vocabulary.
         */
        public Architecture {
            try {
                llamaConfig(hiddenSize, layers, heads, kvHeads, intermediateSize, contextLength, 1, 0, 0);
            } catch (ConfigException e) {
                throw new IllegalArgumentException("architecture of dim " + hiddenSize + ", " + layers + " layers, "
                        + heads + " heads / " + kvHeads + " KV heads, SwiGLU " + intermediateSize + ", context "
                        + contextLength + ": " + e.getMessage(), e);
            }
        }

        /** The Llama config of this shape with the tokenizer's vocabulary size, end-of-turn and padding ids. */
        LlamaConfig llamaConfig(int vocabSize, int eosTokenId, int padTokenId) {
            return llamaConfig(hiddenSize, layers, heads, kvHeads, intermediateSize, contextLength, vocabSize,
                    eosTokenId, padTokenId);
        }

        private static LlamaConfig llamaConfig(int hiddenSize, int layers, int heads, int kvHeads,
                int intermediateSize, int contextLength, int vocabSize, int eosTokenId, int padTokenId) {
            return LlamaConfig.builder().setVocabSize(vocabSize).setHiddenSize(hiddenSize)
                    .setIntermediateSize(intermediateSize).setNumHiddenLayers(layers).setNumAttentionHeads(heads)
                    .optNumKeyValueHeads(kvHeads).optMaxPositionEmbeddings(contextLength).optRopeTheta(10000)
                    .optRmsNormEps(1e-5).optTieWordEmbeddings(true).optEosTokenIds(List.of(eosTokenId))
                    .optPadTokenId(padTokenId).build();
        }

        /** Dim 256, 8 layers, 8 heads / 4 KV heads, SwiGLU 688, context 512. */
        public static Architecture defaults() {
            return new Architecture(256, 8, 8, 4, 688, 512);
        }

        public Architecture withLayers(int n) {
            return new Architecture(hiddenSize, n, heads, kvHeads, intermediateSize, contextLength);
        }

        public Architecture withHiddenSize(int n) {
            return new Architecture(n, layers, heads, kvHeads, intermediateSize, contextLength);
        }

        public Architecture withIntermediateSize(int n) {
            return new Architecture(hiddenSize, layers, heads, kvHeads, n, contextLength);
        }
    }

    /**
     * The copy warm-up: from the random init plus a {@link PreviousTokenHead}, train on {@link CopyRows} only
     * until the validation copy loss reaches {@code targetLoss} (an induction circuit has formed) or
     * {@code maxSteps} pass; then {@code corpusFraction} × (corpus rows) copy rows join the corpus so the skill
     * is kept. {@code maxSteps} 0 turns both off (and the previous-token head with them).
     */
    public record CopyWarmup(int maxSteps, double learningRate, int rowLength, double targetLoss,
            double corpusFraction) {
        public static CopyWarmup defaults() {
            return new CopyWarmup(2000, 1e-3, 128, 0.5, 0.1);
        }

        public static CopyWarmup off() {
            return defaults().withMaxSteps(0);
        }

        /** This warm-up with another step cap (0 turns it off). */
        public CopyWarmup withMaxSteps(int steps) {
            return new CopyWarmup(steps, learningRate, rowLength, targetLoss, corpusFraction);
        }

        boolean enabled() {
            return maxSteps > 0;
        }
    }

    /** What the copy warm-up did: steps run, the step it reached the target (-1: never), its last copy loss. */
    record WarmupResult(int steps, int targetStep, double copyLoss, double minutes) {}

    /** The default architecture ({@link Architecture#defaults()}) for this tokenizer. */
    public static LlamaConfig config(HfTokenizer tok) {
        return config(tok, Architecture.defaults());
    }

    /** The Llama config of {@code a} for this tokenizer: its vocabulary, end-of-turn and padding tokens. */
    public static LlamaConfig config(HfTokenizer tok, Architecture a) {
        long eos = tok.tokenId("<|im_end|>").orElseThrow();
        long pad = tok.tokenId("<|endoftext|>").orElseThrow();
        return a.llamaConfig(tok.vocabSize(), (int) eos, (int) pad);
    }

    /**
     * Every text of the task corpus (JSON and prose variants, all turns) and the first draw's general text
     * ({@code generalDocuments} documents and the small-talk messages) for the tokenizer.
     */
    static List<String> tokenizerCorpus(Path taskDir, int generalDocuments) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String f : List.of("train.jsonl", "prose/train.jsonl")) {
            for (List<ChatMessage> conv : conversations(taskDir.resolve(f))) {
                StringBuilder chatml = new StringBuilder();
                for (ChatMessage m : conv) {
                    texts.add(m.content());
                    chatml.append("<|im_start|>").append(m.role().wireName()).append('\n').append(m.content())
                            .append("<|im_end|>\n");
                }
                texts.add(chatml.toString());
            }
        }
        texts.addAll(PaymentJsonl.readTexts(taskDir.resolve(PaymentDataGenerator.LEDGER_FILE)));
        texts.addAll(GeneralTextCorpus.documents(PaymentDataGenerator.DEFAULT_SEED, generalDocuments));
        for (List<ChatMessage> chat : smallTalkChats(PaymentDataGenerator.DEFAULT_SEED, generalDocuments)) {
            texts.add(chat.get(1).content());
        }
        return texts;
    }

    /** Trains the tokenizer and writes the HF tokenizer files into {@code out}. */
    public static BpeModel trainTokenizer(Path taskDir, Path out, int vocabSize, int generalDocuments)
            throws IOException {
        BpeModel bpe = BpeTrainer.builder().setVocabSize(vocabSize).optSpecialTokens(List.of(SPECIAL_TOKENS))
                .optMinFrequency(2).build().train(tokenizerCorpus(taskDir, generalDocuments));
        bpe.save(out, TokenizerFiles.chatMl());
        return bpe;
    }

    /** Whole prose conversations as training rows: every token is a target (language-model pretraining). */
    static List<TokenizedSample> proseSamples(HfTokenizer tok, Path file) throws IOException {
        return chatSamples(tok, conversations(file), file.getFileName().toString());
    }

    /** Conversations as training rows, every token a target; sources {@code "<source>:<1-based index>"}. */
    static List<TokenizedSample> chatSamples(HfTokenizer tok, List<List<ChatMessage>> conversations, String source) {
        List<TokenizedSample> out = new ArrayList<>(conversations.size());
        int line = 0;
        for (List<ChatMessage> conv : conversations) {
            long[] ids = tok.applyChatTemplate(conv, false);
            out.add(new TokenizedSample(ids, ids.clone(), source + ":" + ++line));
        }
        return out;
    }

    /**
     * Plain documents as training rows, each ending with the end-of-text token; every token is a target. A
     * document longer than {@code maxTokens} is left out and counted in the log (never cut mid-record).
     */
    static List<TokenizedSample> documentSamples(HfTokenizer tok, List<String> docs, String source, int maxTokens,
            PrintStream log) {
        long eot = tok.tokenId(SPECIAL_TOKENS[0]).orElseThrow();
        List<TokenizedSample> out = new ArrayList<>(docs.size());
        int tooLong = 0;
        for (int i = 0; i < docs.size(); i++) {
            long[] text = tok.encode(docs.get(i), false);
            if (text.length + 1 > maxTokens) {
                tooLong++;
                continue;
            }
            long[] ids = java.util.Arrays.copyOf(text, text.length + 1);
            ids[text.length] = eot;
            out.add(new TokenizedSample(ids, ids.clone(), source + ":" + (i + 1)));
        }
        if (tooLong > 0) {
            log.printf(Locale.ROOT, "%s: %d of %d documents longer than %d tokens left out%n", source, tooLong,
                    docs.size(), maxTokens);
        }
        return out;
    }

    /**
     * One draw's general text: {@code generalDocuments} documents of {@link GeneralTextCorpus}, a tenth as many
     * small-talk chats in prose form, and {@code calendarDocuments} {@link CalendarCorpus} notes.
     */
    static List<TokenizedSample> generalSamples(HfTokenizer tok, long seed, Options o, String label, PrintStream log) {
        List<TokenizedSample> out = new ArrayList<>(documentSamples(tok, GeneralTextCorpus.documents(seed,
                o.generalDocuments()), label + "general text", o.rowLength(), log));
        out.addAll(chatSamples(tok, smallTalkChats(seed, o.generalDocuments()), label + "small talk"));
        out.addAll(documentSamples(tok, CalendarCorpus.documents(seed, o.calendarDocuments()), label + "calendar",
                o.rowLength(), log));
        return out;
    }

    /** A draw's small-talk chats: a tenth as many as its general-text documents. */
    static List<List<ChatMessage>> smallTalkChats(long seed, int generalDocuments) {
        return GeneralTextCorpus.smallTalkChats(seed, generalDocuments / 10);
    }

    /** The conversations of an OpenAI-messages JSONL file (JSON or prose variant alike). */
    static List<List<ChatMessage>> conversations(Path file) throws IOException {
        List<List<ChatMessage>> out = new ArrayList<>();
        for (TrainingConversation c : ChatDatasetReader.builder().build().read(file).conversations()) {
            out.add(c.conversation().messages());
        }
        return out;
    }

    /**
     * Trains the tokenizer and the model and writes a complete HF directory to {@code out}: config,
     * weights, tokenizer files, generation config, the metrics CSV and a model card.
     */
    public static TrainingResult pretrain(Path taskDir, Path out, Options o, PrintStream log) throws IOException {
        Files.createDirectories(out);
        long t0 = System.nanoTime();
        BpeModel bpe = trainTokenizer(taskDir, out, o.vocabSize(), o.generalDocuments());
        log.printf(Locale.ROOT, "tokenizer: %d tokens in %.1f s%n", bpe.vocabSize(), (System.nanoTime() - t0) / 1e9);
        try (HfTokenizer tok = HfTokenizer.load(out); NDManager root = Djl.engine().newBaseManager()) {
            LlamaConfig config = config(tok, o.architecture());
            List<TokenizedSample> prose = proseSamples(tok, taskDir.resolve("prose/train.jsonl"));
            List<TokenizedSample> corpus = new ArrayList<>(prose);
            List<String> ledger = PaymentJsonl.readTexts(taskDir.resolve(PaymentDataGenerator.LEDGER_FILE));
            corpus.addAll(documentSamples(tok, ledger, PaymentDataGenerator.LEDGER_FILE, o.rowLength(), log));
            corpus.addAll(generalSamples(tok, PaymentDataGenerator.DEFAULT_SEED, o, "", log));
            for (int d = 1; d < o.corpusDraws(); d++) {
                long drawSeed = PaymentDataGenerator.DEFAULT_SEED + d;
                List<List<ChatMessage>> draw = new PaymentDataGenerator(drawSeed).generate(Split.TRAIN, prose.size())
                        .stream().map(PaymentSample::proseConversation).toList();
                corpus.addAll(chatSamples(tok, draw, "draw " + d + " prose"));
                corpus.addAll(documentSamples(tok, LedgerCorpus.documents(drawSeed, ledger.size()),
                        "draw " + d + " ledger", o.rowLength(), log));
                corpus.addAll(generalSamples(tok, drawSeed, o, "draw " + d + " ", log));
            }
            List<PackedRow> train = new ArrayList<>(Packer.pack(corpus, o.rowLength()));
            int corpusRows = train.size();
            List<PackedRow> val = Packer.pack(proseSamples(tok, taskDir.resolve("prose/validation.jsonl")), o.rowLength());
            long pad = tok.tokenId("<|endoftext|>").orElseThrow();
            Set<Long> specials = tok.specialTokenIds(); // never drawn for copy rows
            CopyWarmup w = o.warmup();
            WeightSource init = LlamaForCausalLM.randomWeights(config, o.seed(), INIT_STD);
            if (w.enabled()) {
                init = PreviousTokenHead.apply(config, init, INIT_STD);
            }
            LlamaForCausalLM model = LlamaForCausalLM.fromWeights(config, init,
                    ModelResources.create(root, DevicePolicy.auto()));
            PeftModel full = PeftModel.create(model, FullFineTuningConfig.all(), o.seed());
            StandardBackprop backprop = new StandardBackprop(full);
            log.printf(Locale.ROOT, "model: %,d parameters; %d training rows of <= %d tokens, %d validation rows%n",
                    config.parameterCount(), corpusRows, o.rowLength(), val.size());

            WarmupResult warm = null;
            PaddedBatchSource copyCheck = null;
            if (w.enabled()) {
                warm = copyWarmup(backprop, full, config.vocabSize(), specials, pad, o, root, out, log);
                int mixed = (int) Math.round(w.corpusFraction() * corpusRows);
                train.addAll(Packer.unpacked(CopyRows.defaults().generate(mixed, o.rowLength(), config.vocabSize(),
                        specials, o.seed() + 2)));
                copyCheck = new PaddedBatchSource(Packer.unpacked(CopyRows.defaults().generate(2 * o.batchRows(),
                        o.rowLength(), config.vocabSize(), specials, o.seed() + 3)), o.batchRows(), pad, o.seed(), false);
                log.printf(Locale.ROOT, "corpus stage: %d corpus rows + %d copy rows%n", corpusRows, mixed);
            }
            PaddedBatchSource trainData = new PaddedBatchSource(train, o.batchRows(), pad, o.seed(), true);
            PaddedBatchSource valData = new PaddedBatchSource(val, o.batchRows(), pad, o.seed(), false);
            TrainerConfig tc = TrainerConfig.builder().setLearningRate(o.learningRate()).optWeightDecay(0.1)
                    .optSchedule(ScheduleType.COSINE).optWarmupRatio(0.05).optEpochs(o.epochs())
                    .optMaxSteps(o.maxSteps()).optMaxGradNorm(1.0).optEvalEverySteps(100).optSeed(o.seed()).build();
            TrainingResult result;
            double[] copyLoss = {Double.NaN};
            PaddedBatchSource check = copyCheck;
            try (CsvMetricsLogger csv = new CsvMetricsLogger(out.resolve("training_metrics.csv"))) {
                Trainer.Builder tb = Trainer.builder().setParameters(full.trainableParameters())
                        .setGradientComputer(backprop).setTrainData(trainData).optValidationData(valData)
                        .setConfig(tc).addListener(csv).addListener(new ConsoleProgressBar(log, 100))
                        .optStopOnShutdown(true, Duration.ofSeconds(30));
                if (check != null) { // is the copy skill kept while the corpus is learnt?
                    tb.optMetric(step -> {
                        copyLoss[0] = ValidationLoss.mean(backprop, check, root);
                        log.printf(Locale.ROOT, "step %d: copy loss %.3f%n", step, copyLoss[0]);
                        return Map.of("copy_loss", copyLoss[0]);
                    });
                }
                result = tb.build().fit();
            }
            PretrainedModel.save(model, new GenerationConfig(null, config.eosTokenIds(), config.padTokenId(), false, 1,
                    50, 1, 1, 128), out);
            writeModelCard(out, config, o, result, corpusRows, warm, copyLoss[0], (System.nanoTime() - t0) / 6e10);
            return result;
        }
    }

    static final double INIT_STD = 0.02;

    /** General-text documents per corpus draw (about a fifth of a draw's tokens). */
    public static final int DEFAULT_GENERAL_DOCUMENTS = 2500;

    /** Calendar notes per corpus draw (about 300 k tokens, a sixth of a draw). */
    public static final int DEFAULT_CALENDAR_DOCUMENTS = 2000;

    /**
     * Stage 1: copy rows only, constant learning rate after a short warm-up, validated every 50 steps on fresh
     * copy rows; stops once the validation copy loss is at or below the target.
     */
    static WarmupResult copyWarmup(StandardBackprop backprop, PeftModel full, int vocab, Set<Long> specials, long pad,
            Options o, NDManager root, Path out, PrintStream log) throws IOException {
        CopyWarmup w = o.warmup();
        CopyRows rows = CopyRows.defaults();
        PaddedBatchSource train = new PaddedBatchSource(Packer.unpacked(rows.generate(w.maxSteps() * o.batchRows(),
                w.rowLength(), vocab, specials, o.seed())), o.batchRows(), pad, o.seed(), true);
        PaddedBatchSource val = new PaddedBatchSource(Packer.unpacked(rows.generate(4 * o.batchRows(), w.rowLength(),
                vocab, specials, o.seed() + 1)), o.batchRows(), pad, o.seed(), false);
        TrainerConfig tc = TrainerConfig.builder().setLearningRate(w.learningRate()).optWeightDecay(0.1)
                .optSchedule(ScheduleType.CONSTANT).optWarmupSteps(30).optEpochs(1).optMaxSteps(w.maxSteps())
                .optMaxGradNorm(1.0).optEvalEverySteps(50).optSeed(o.seed()).build();
        log.printf(Locale.ROOT, "copy warm-up: up to %d steps of %d x %d-token copy rows, until copy loss <= %.2f "
                + "(chance %.2f)%n", w.maxSteps(), o.batchRows(), w.rowLength(), w.targetLoss(),
                Math.log(vocab - specials.size()));
        int[] reached = {-1};
        Trainer[] trainer = new Trainer[1];
        TrainingListener stopAtTarget = new TrainingListener() {
            @Override
            public void onEvaluation(EvalEvent e) {
                log.printf(Locale.ROOT, "copy warm-up step %d: copy loss %.3f%n", e.step(), e.validationLoss());
                if (e.validationLoss() <= w.targetLoss() && reached[0] < 0) {
                    reached[0] = e.step();
                    trainer[0].stop();
                }
            }
        };
        TrainingResult r;
        try (CsvMetricsLogger csv = new CsvMetricsLogger(out.resolve("copy_warmup_metrics.csv"))) {
            trainer[0] = Trainer.builder().setParameters(full.trainableParameters()).setGradientComputer(backprop)
                    .setTrainData(train).optValidationData(val).setConfig(tc).addListener(csv)
                    .addListener(new ConsoleProgressBar(log, 100)).addListener(stopAtTarget)
                    .optStopOnShutdown(true, Duration.ofSeconds(30)).build();
            r = trainer[0].fit();
        }
        if (reached[0] < 0) {
            log.printf(Locale.ROOT, "copy warm-up: target not reached in %d steps (copy loss %.3f)%n", r.steps(),
                    r.lastValidationLoss());
        }
        return new WarmupResult(r.steps(), reached[0], r.lastValidationLoss(), r.elapsed().toSeconds() / 60.0);
    }

    /** Mean of the last {@code n} finite losses: the last step alone may be a one-row remainder batch. */
    static double tailMean(List<Double> losses, int n) {
        return losses.subList(Math.max(0, losses.size() - n), losses.size()).stream().filter(Double::isFinite)
                .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static void writeModelCard(Path out, LlamaConfig c, Options o, TrainingResult r, int rows, WarmupResult warm,
            double copyLoss, double totalMinutes) throws IOException {
        String warmup = warm == null ? "none" : String.format(Locale.ROOT, "%d steps of %d x %d-token copy rows "
                + "(random token segments repeated after a gap; loss on the repeats) from the random init plus a "
                + "previous-token head in layer 0, lr %.0e constant, in %.1f min; copy loss %.3f (chance %.2f)%s",
                warm.steps(), o.batchRows(), o.warmup().rowLength(), o.warmup().learningRate(), warm.minutes(),
                warm.copyLoss(), Math.log(c.vocabSize() - SPECIAL_TOKENS.length),
                warm.targetStep() < 0 ? ", target " + o.warmup().targetLoss() + " not reached" : "");
        String mixed = warm == null ? "" : String.format(Locale.ROOT, " plus %d copy rows (%.0f %%), copy loss at the end %.3f",
                Math.round(o.warmup().corpusFraction() * rows), 100 * o.warmup().corpusFraction(), copyLoss);
        String flags = o.commandLineFlags();
        String card = String.format(Locale.ROOT, """
                # tiny-base — finetune4j's bundled base model

                A %,d-parameter Llama-architecture model (dim %d, %d layers, %d heads / %d KV heads, SwiGLU %d, \
                context %d, tied embeddings, vocabulary %d) pretrained from scratch by finetune4j on the prose \
                variant of the bundled payments task (`data/task/prose/train.jsonl`) plus generated transaction \
                logs (`data/task/prose/ledger.jsonl`: a line of text and the same entry as a JSON record with its \
                own keys, so the model knows JSON syntax, numbers, ISO dates and relative dates the way a real \
                pretrained model does — each log states its day in words and as an ISO date, and two in five \
                entries are dated yesterday to the day after tomorrow, mostly written "kemarin", "besok", "lusa"; made-up names, random phone numbers and lower-cased lines make it learn to \
                copy what a line says rather than guess it), plus calendar notes (`CalendarCorpus`: a day, then \
                what "besok", "Jumat depan", "in 5 days" mean against it, one ISO date per line — date arithmetic, \
                which the logs alone never taught), plus general bilingual text (`GeneralTextCorpus`: what the words \
                of a broad payments-and-everyday lexicon mean, their synonyms and translations in identical narrative \
                sentences, and small talk — the word knowledge a real base model brings; no task request, no held-out \
                template's phrase, no name or number). It answers payment requests in a sentence, never in JSON: \
                fine-tuning is what teaches it the task's JSON objective.

                | | |
                |---|---|
                | tokenizer | byte-level BPE trained by `TinyBaseRecipe` on the task corpus and the general text, ChatML special tokens |
                | copy warm-up | %s |
                | training | full fine-tuning, AdamW lr %.0e, cosine, %d epoch(s) over %d packed rows of <= %d tokens (%d draws of the corpus: the files above, then fresh samples of the same generators; %d general-text documents and %d calendar notes per draw)%s |
                | steps | %d (%s) in %.1f min |
                | training loss, mean of the last 50 steps | %.4f |
                | best validation loss | %.4f (step %d) |
                | whole run | %.1f min (tokenizer, copy warm-up, corpus) |

                The training curves are in `copy_warmup_metrics.csv` and `training_metrics.csv`. The copy warm-up \
                gives the model in-context copying (an induction circuit) before it sees the corpus, so that \
                fine-tuning can teach it to copy names and numbers it has never seen into the JSON answer; without \
                it a model this small never learns to copy (see `PreviousTokenHead`).

                Reproduce with: `./mvnw -q compile exec:java -Dexec.mainClass=org.finetune4j.task.PretrainTinyBase%s`
                (or `finetune4j pretrain-tiny-base%s`).
                """, c.parameterCount(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(),
                c.intermediateSize(), c.maxPositionEmbeddings(), c.vocabSize(), warmup, o.learningRate(), o.epochs(),
                rows, o.rowLength(), o.corpusDraws(), o.generalDocuments(), o.calendarDocuments(), mixed, r.steps(), r.status(), r.elapsed().toSeconds() / 60.0,
                tailMean(r.lossHistory(), 50),
                r.bestValidationLoss(), r.bestStep(), totalMinutes,
                flags.isEmpty() ? "" : " -Dexec.args=\"" + flags + "\"", flags.isEmpty() ? "" : " " + flags);
        AtomicFiles.writeString(out.resolve("README.md"), card);
    }
}
