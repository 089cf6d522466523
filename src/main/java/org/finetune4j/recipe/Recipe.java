package org.finetune4j.recipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.finetune4j.generate.constraint.JsonSchemaConstraint;
import org.finetune4j.generate.constraint.SavedDecoding;
import org.finetune4j.notebook.TechniqueComparison;
import org.finetune4j.rag.PromptTool;
import org.finetune4j.rag.PromptTools;
import org.finetune4j.rag.RetrievalConfig;
import org.finetune4j.train.ScheduleType;
import org.finetune4j.train.TrainerConfig;

/**
 * A training run written down: which model, which data, which technique, how to train, where to save, and
 * optionally how to evaluate. Read from YAML or JSON by {@link RecipeLoader}; keys are snake_case, unknown keys are
 * errors, and a key left out takes the library's default. Relative paths are relative to the working directory.
 *
 * @param model     the base model
 * @param data      training (and validation) data
 * @param technique the fine-tuning technique and its parameters
 * @param trainer   optimizer, schedule and bookkeeping; absent = all defaults
 * @param output    where the adapter, metrics, checkpoints and merged model go
 * @param eval      evaluation after training; null = none
 * @param retrieval retrieved examples in every prompt, in training, in the evaluation and (saved beside the adapter
 *                  and the merged model) in later use; its {@code examples} path is relative to the working
 *                  directory; null = none
 * @param promptTools names of the {@link PromptTool}s that rewrite every prompt before retrieval, in training, in
 *                  the evaluation and (saved as {@value PromptTools#FILE_NAME}) in later use, e.g.
 *                  {@code [date_hint]}; absent = none
 * @param decoding  the constraint answers are decoded under, in the evaluation and (saved as
 *                  {@value SavedDecoding#FILE_NAME}) in later use; null = free decoding
 */
public record Recipe(Model model, Data data, TechniqueSpec technique, Trainer trainer, Output output, Eval eval,
        RetrievalConfig retrieval, List<String> promptTools, Decoding decoding) {

    public Recipe {
        trainer = trainer != null ? trainer : Trainer.DEFAULTS;
        promptTools = promptTools != null ? List.copyOf(promptTools) : List.of();
    }

    /** A recipe without prompt tools. */
    public Recipe(Model model, Data data, TechniqueSpec technique, Trainer trainer, Output output, Eval eval,
            RetrievalConfig retrieval) {
        this(model, data, technique, trainer, output, eval, retrieval, List.of());
    }

    /** A recipe with free decoding. */
    public Recipe(Model model, Data data, TechniqueSpec technique, Trainer trainer, Output output, Eval eval,
            RetrievalConfig retrieval, List<String> promptTools) {
        this(model, data, technique, trainer, output, eval, retrieval, promptTools, null);
    }

    /** The {@link #decoding} constraint, or null for free decoding. */
    public JsonSchemaConstraint decodingConstraint() {
        return decoding == null ? null : decoding.constraint();
    }

    /**
     * The {@link #promptTools} as tools.
     *
     * @throws IllegalArgumentException {@code prompt_tools: unknown prompt tool 'x'; known: [date_hint]}
     */
    public PromptTools tools() {
        try {
            return PromptTools.named(promptTools);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("prompt_tools: " + e.getMessage(), e);
        }
    }

    /**
     * Checks that every required value is there. Not done in the constructors: Jackson reports unknown keys only
     * after the record is built, and a misspelt required key ({@code trian:}) should be named as unknown rather
     * than reported as missing.
     *
     * @throws IllegalArgumentException {@code data: missing required value 'train'}
     */
    public void validate() {
        require(model, "model");
        require(data, "data");
        require(technique, "technique");
        require(output, "output");
        require(model.path(), "model", "path");
        require(data.train(), "data", "train");
        require(output.dir(), "output", "dir");
        if (retrieval != null && !Files.isRegularFile(Path.of(retrieval.examples()))) {
            throw new IllegalArgumentException("retrieval: examples file not found: " + retrieval.examples());
        }
        tools();
        if (decoding != null) {
            require(decoding.jsonSchema(), "decoding", "json_schema");
            decoding.constraint();
        }
        if (eval != null) {
            require(eval.file(), "eval", "file");
            require(eval.schema(), "eval", "schema");
        }
    }

    /**
     * @param path     a local Hugging Face model directory or a Hub repo id
     * @param revision branch, tag or commit of a repo id (null = main)
     */
    public record Model(String path, String revision) {}

    /**
     * @param train           the training JSONL file
     * @param validation      a validation JSONL file; null = hold out {@code validation_count} training conversations
     * @param format          the JSONL layout (absent = auto)
     * @param maxLength       tokens per sample and per packed row (null = the data builder's default)
     * @param packing         pack several samples per row (null = the data builder's default)
     * @param limit           use only the first N training conversations (null or 0 = all)
     * @param validationLimit use only the first N conversations of the validation file (null or 0 = all)
     * @param validationCount conversations held out of {@code train} when there is no validation file (null = 0)
     * @param seed            seed of the split and the per-epoch order (null = the data builder's default)
     */
    public record Data(Path train, Path validation, DataFormat format, Integer maxLength, Boolean packing,
            Integer limit, Integer validationLimit, Integer validationCount, Long seed) {
        public Data {
            format = format != null ? format : DataFormat.AUTO;
            if (limit != null && limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0, got " + limit);
            }
            if (validationLimit != null && validationLimit < 0) {
                throw new IllegalArgumentException("validation_limit must be >= 0, got " + validationLimit);
            }
            if (validationCount != null && validationCount < 0) {
                throw new IllegalArgumentException("validation_count must be >= 0, got " + validationCount);
            }
        }
    }

    /**
     * Trainer settings; each null one takes {@link TrainerConfig.Builder}'s default, except the learning rate,
     * whose default depends on the technique ({@link TechniqueComparison#defaultLearningRate}).
     *
     * @param batchSize               rows per micro-batch (the data builder's batch size)
     * @param gradAccum               micro-batches per optimizer step
     * @param activationCheckpointing recompute activations in backward (less memory, more time)
     * @param neftuneNoiseAlpha       NEFTune noise on the input embeddings while training (TRL's
     *                                {@code neftune_noise_alpha}; null or 0 = off)
     */
    public record Trainer(Double learningRate, Integer epochs, Integer maxSteps, Integer batchSize, Integer gradAccum,
            ScheduleType schedule, Double warmupRatio, Integer warmupSteps, Double weightDecay, Double maxGradNorm,
            Integer evalEvery, Integer earlyStoppingPatience, Long seed, Integer checkpointEvery,
            Integer keepCheckpoints, Boolean activationCheckpointing, Double neftuneNoiseAlpha) {
        static final Trainer DEFAULTS = new Trainer(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null);

        /** The trainer config of this section for {@code technique}, checkpointing into {@code checkpointDir}. */
        public TrainerConfig toTrainerConfig(TechniqueSpec technique, Path checkpointDir) {
            TrainerConfig.Builder b = TrainerConfig.builder().setLearningRate(learningRate != null ? learningRate
                    : TechniqueComparison.defaultLearningRate(technique.type()));
            if (epochs != null) {
                b.optEpochs(epochs);
            }
            if (maxSteps != null) {
                b.optMaxSteps(maxSteps);
            }
            if (gradAccum != null) {
                b.optMicroBatchesPerStep(gradAccum);
            }
            if (schedule != null) {
                b.optSchedule(schedule);
            }
            if (warmupRatio != null) {
                b.optWarmupRatio(warmupRatio);
            }
            if (warmupSteps != null) {
                b.optWarmupSteps(warmupSteps);
            }
            if (weightDecay != null) {
                b.optWeightDecay(weightDecay);
            }
            if (maxGradNorm != null) {
                b.optMaxGradNorm(maxGradNorm);
            }
            if (evalEvery != null) {
                b.optEvalEverySteps(evalEvery);
            }
            if (earlyStoppingPatience != null) {
                b.optEarlyStoppingPatience(earlyStoppingPatience);
            }
            if (seed != null) {
                b.optSeed(seed);
            }
            if (checkpointEvery != null) {
                b.optCheckpointEverySteps(checkpointEvery);
            }
            if (keepCheckpoints != null) {
                b.optKeepLastCheckpoints(keepCheckpoints);
            }
            return b.optCheckpointDir(checkpointDir).build();
        }

        public boolean useActivationCheckpointing() {
            return Boolean.TRUE.equals(activationCheckpointing);
        }

        /** NEFTune's α for the model's training forwards; 0 when the recipe leaves it out. */
        public double neftuneAlpha() {
            return neftuneNoiseAlpha == null ? 0 : neftuneNoiseAlpha;
        }
    }

    /**
     * @param dir        the run directory: {@code adapter/} (or {@code model/} for full fine-tuning),
     *                   {@code merged/}, {@code checkpoints/}, {@code training_metrics.csv}, {@code eval.json}
     * @param saveMerged also write a merged standalone checkpoint (LoRA, QLoRA; full fine-tuning always writes one)
     */
    public record Output(Path dir, Boolean saveMerged) {
        public boolean merged() {
            return Boolean.TRUE.equals(saveMerged);
        }
    }

    /**
     * @param file         JSONL of {@code messages} whose last (assistant) message is the gold JSON answer
     * @param schema       the JSON Schema every answer must satisfy
     * @param limit        evaluate only the first N examples (null or 0 = all)
     * @param groupBy      {@code meta} keys to break the metrics down by (e.g. intent, language)
     * @param batchSize    conversations generated together (null = 16)
     * @param maxNewTokens longest answer in tokens (null = the checkpoint's default)
     */
    public record Eval(Path file, Path schema, Integer limit, List<String> groupBy, Integer batchSize,
            Integer maxNewTokens) {
        public Eval {
            groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
        }
    }

    /**
     * Constrained decoding ({@link JsonSchemaConstraint}).
     *
     * @param jsonSchema   the JSON Schema every answer is decoded to (a flat object whose properties are required)
     * @param copiedFields string properties whose values are copied from the user's message (absent = none)
     */
    public record Decoding(Path jsonSchema, List<String> copiedFields) {
        public Decoding {
            copiedFields = copiedFields == null ? List.of() : List.copyOf(copiedFields);
        }

        /**
         * The constraint.
         *
         * @throws IllegalArgumentException {@code decoding: FILE: property 'x' …} when the schema is missing,
         *                                  malformed or cannot be decoded to
         */
        public JsonSchemaConstraint constraint() {
            try {
                return JsonSchemaConstraint.read(jsonSchema, copiedFields);
            } catch (IOException e) {
                throw new IllegalArgumentException("decoding: cannot read the schema " + jsonSchema + ": "
                        + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("decoding: " + jsonSchema + ": " + e.getMessage(), e);
            }
        }
    }

    /** A missing required value: the message names the key; the loader adds the section and the file. */
    static <T> T require(T value, String key) {
        if (value == null) {
            throw new IllegalArgumentException("missing required value '" + key + "'");
        }
        return value;
    }

    private static void require(Object value, String section, String key) {
        if (value == null) {
            throw new IllegalArgumentException(section + ": missing required value '" + key + "'");
        }
    }
}
