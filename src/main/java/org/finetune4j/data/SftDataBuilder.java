package org.finetune4j.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.finetune4j.tokenizer.HfTokenizer;

/**
 * One call from JSONL files to training batches, shared by the notebook and the command line:
 * read ({@link ChatDatasetReader}) → drop exact duplicates → split train/validation by seed
 * ({@link DatasetSplitter}) → render and mask ({@link LabelMasker}) → truncate → pack or not
 * ({@link Packer}) → pad into micro-batches ({@link PaddedBatchSource}).
 *
 * <pre>{@code
 * SftDataset data = SftDataBuilder.builder().setTokenizer(tok).optMaxLength(512).optPacking(true)
 *         .optBatchSize(8).optSeed(42).optValidationFraction(0.1).build().load(Path.of("train.jsonl"));
 * }</pre>
 */
public final class SftDataBuilder {
    private final HfTokenizer tokenizer;
    private final ChatDatasetReader reader;
    private final LabelMasker masker;
    private final int maxLength;
    private final boolean packing;
    private final int batchSize;
    private final long seed;
    private final double validationFraction;
    private final int validationCount;
    private final boolean deduplicate;
    private final long padId;

    private SftDataBuilder(Builder b) {
        this.tokenizer = Objects.requireNonNull(b.tokenizer, "tokenizer: call setTokenizer(...)");
        this.reader = ChatDatasetReader.builder().optFormat(b.format).optBadLinePolicy(b.badLinePolicy)
                .optShareGptTags(b.tags).build();
        this.masker = LabelMasker.builder().setTokenizer(tokenizer).optMaxLength(b.maxLength)
                .optEndOfTurn(b.endOfTurn.toArray(String[]::new)).optTemplateVariables(b.templateVariables).build();
        this.maxLength = b.maxLength;
        this.packing = b.packing;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.validationFraction = b.validationFraction;
        this.validationCount = b.validationCount;
        this.deduplicate = b.deduplicate;
        this.padId = tokenizer.padTokenId().orElseGet(() -> tokenizer.eosTokenId().orElseThrow(
                () -> new IllegalArgumentException("the tokenizer has neither a pad nor an EOS token to pad with")));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The token id written at padding: the pad token, else EOS. */
    public long padId() {
        return padId;
    }

    /**
     * Reads {@code trainFiles} and holds out validation examples by the configured fraction or count.
     *
     * @throws DatasetException for bad lines (under FAIL), template problems, or when no sample has a
     *     learned token left
     */
    public SftDataset load(Path... trainFiles) throws IOException {
        List<ReadReport> reports = new ArrayList<>();
        List<TrainingConversation> all = readAll(List.of(trainFiles), reports);
        return assemble(all, null, reports);
    }

    /** Reads training and validation data from separate files (no split). */
    public SftDataset load(List<Path> trainFiles, List<Path> validationFiles) throws IOException {
        List<ReadReport> reports = new ArrayList<>();
        List<TrainingConversation> train = readAll(trainFiles, reports);
        List<TrainingConversation> validation = readAll(validationFiles, reports);
        return assemble(train, validation, reports);
    }

    /** Builds batches from conversations made in code (checked with {@link ConversationValidator}). */
    public SftDataset fromConversations(List<TrainingConversation> conversations) {
        for (TrainingConversation c : conversations) {
            ConversationValidator.problem(c).ifPresent(p -> {
                throw new DatasetException(c.source() + ": " + p);
            });
        }
        return assemble(conversations, null, List.of());
    }

    private List<TrainingConversation> readAll(List<Path> files, List<ReadReport> reports) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no dataset file given");
        }
        List<TrainingConversation> all = new ArrayList<>();
        for (Path file : files) {
            ReadResult result = reader.read(file);
            reports.add(result.report());
            all.addAll(result.conversations());
        }
        return all;
    }

    private SftDataset assemble(List<TrainingConversation> train, List<TrainingConversation> validation,
            List<ReadReport> reports) {
        int before = train.size() + (validation == null ? 0 : validation.size());
        if (deduplicate) {
            train = distinct(train);
            validation = validation == null ? null : distinct(validation);
        }
        int duplicates = before - train.size() - (validation == null ? 0 : validation.size());
        if (validation == null) {
            DatasetSplitter.Split<TrainingConversation> split = validationCount >= 0
                    ? DatasetSplitter.splitCount(train, validationCount, seed)
                    : DatasetSplitter.splitFraction(train, validationFraction, seed);
            train = split.train();
            validation = split.validation();
        }
        MaskingReport trainMasked = masker.maskAll(train);
        if (trainMasked.samples().isEmpty()) {
            throw new DatasetException("no trainable sample: " + train.size() + " conversations, "
                    + trainMasked.dropped() + " of them left with no learned token after truncation to " + maxLength
                    + " tokens (e.g. " + trainMasked.droppedSources().stream().limit(3).toList()
                    + "); raise the maximum length");
        }
        List<PackedRow> trainRows = rows(trainMasked.samples());
        PaddedBatchSource trainSource = new PaddedBatchSource(trainRows, batchSize, padId, seed, true);
        DatasetStats trainStats = DatasetStats.of(trainMasked, trainRows);

        Optional<PaddedBatchSource> validationSource = Optional.empty();
        Optional<DatasetStats> validationStats = Optional.empty();
        List<TokenizedSample> validationSamples = List.of();
        if (!validation.isEmpty()) {
            MaskingReport validationMasked = masker.maskAll(validation);
            validationSamples = validationMasked.samples();
            if (!validationSamples.isEmpty()) {
                List<PackedRow> validationRows = rows(validationSamples);
                validationSource = Optional.of(new PaddedBatchSource(validationRows, batchSize, padId, seed, false));
                validationStats = Optional.of(DatasetStats.of(validationMasked, validationRows));
            }
        }
        return new SftDataset(trainSource, validationSource, trainStats, validationStats, reports, duplicates,
                trainMasked.samples(), validationSamples);
    }

    private List<PackedRow> rows(List<TokenizedSample> samples) {
        return packing ? Packer.pack(samples, maxLength) : Packer.unpacked(samples);
    }

    /** Keeps the first of conversations with equal messages and excluded turns (sources and meta may differ). */
    private static List<TrainingConversation> distinct(List<TrainingConversation> conversations) {
        Set<List<Object>> seen = new LinkedHashSet<>();
        List<TrainingConversation> out = new ArrayList<>(conversations.size());
        for (TrainingConversation c : conversations) {
            if (seen.add(List.of(c.conversation().messages(), c.excludedTurns()))) {
                out.add(c);
            }
        }
        return out;
    }

    /** Options; only the tokenizer is required. */
    public static final class Builder {
        private HfTokenizer tokenizer;
        private int maxLength = 1024;
        private boolean packing;
        private int batchSize = 8;
        private long seed = 42;
        private double validationFraction;
        private int validationCount = -1;
        private BadLinePolicy badLinePolicy = BadLinePolicy.FAIL;
        private DatasetFormat format;
        private ShareGptTags tags = ShareGptTags.defaults();
        private List<String> endOfTurn = List.of();
        private Map<String, ?> templateVariables = Map.of();
        private boolean deduplicate = true;

        private Builder() {}

        /** The model's tokenizer and chat template. */
        public Builder setTokenizer(HfTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /** Tokens per sample (and per packed row); longer samples are truncated on the right. Default 1024. */
        public Builder optMaxLength(int maxLength) {
            if (maxLength < 2) {
                throw new IllegalArgumentException("maxLength must be at least 2, got " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        /** Pack several short samples per row (best-fit decreasing, attention isolated). Default off. */
        public Builder optPacking(boolean packing) {
            this.packing = packing;
            return this;
        }

        /** Rows per micro-batch. Default 8. */
        public Builder optBatchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Seed of the validation split and the per-epoch order. Default 42. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Share of the conversations held out for validation, in [0, 1). Default 0. */
        public Builder optValidationFraction(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + fraction);
            }
            this.validationFraction = fraction;
            this.validationCount = -1;
            return this;
        }

        /** Number of conversations held out for validation (instead of a fraction). */
        public Builder optValidationCount(int count) {
            if (count < 0) {
                throw new IllegalArgumentException("validation count must not be negative, got " + count);
            }
            this.validationCount = count;
            return this;
        }

        /** Default {@link BadLinePolicy#FAIL}. */
        public Builder optBadLinePolicy(BadLinePolicy policy) {
            this.badLinePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Force a format instead of detecting it per file. */
        public Builder optFormat(DatasetFormat format) {
            this.format = format;
            return this;
        }

        public Builder optShareGptTags(ShareGptTags tags) {
            this.tags = Objects.requireNonNull(tags, "tags");
            return this;
        }

        /** See {@link LabelMasker.Builder#optEndOfTurn}. */
        public Builder optEndOfTurn(String... markers) {
            this.endOfTurn = List.of(markers);
            return this;
        }

        /** See {@link LabelMasker.Builder#optTemplateVariables}. */
        public Builder optTemplateVariables(Map<String, ?> variables) {
            this.templateVariables = Map.copyOf(variables);
            return this;
        }

        /** Leave out exact duplicate conversations. Default on. */
        public Builder optDeduplicate(boolean deduplicate) {
            this.deduplicate = deduplicate;
            return this;
        }

        public SftDataBuilder build() {
            return new SftDataBuilder(this);
        }
    }
}
