package org.finetune4j.notebook;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.config.LlamaConfig;
import org.finetune4j.eval.EvalReport;
import org.finetune4j.eval.ExampleResult;
import org.finetune4j.model.Module;
import org.finetune4j.peft.TechniqueReport;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** The Tablesaw tables the notebooks show that no library package builds itself. */
public final class GuideTables {
    private static final Pattern LAYER_PREFIX = Pattern.compile("^model\\.layers\\.\\d+\\.");
    private static final double MB = 1e6;

    private GuideTables() {}

    /** Step 2: the config.json fields that define the architecture, as {@code field} / {@code value} rows. */
    public static Table architecture(LlamaConfig c) {
        Map<String, Object> rows = new LinkedHashMap<>();
        rows.put("model_type", c.modelType().wireName());
        rows.put("vocab_size", c.vocabSize());
        rows.put("hidden_size", c.hiddenSize());
        rows.put("intermediate_size", c.intermediateSize());
        rows.put("num_hidden_layers", c.numHiddenLayers());
        rows.put("num_attention_heads", c.numAttentionHeads());
        rows.put("num_key_value_heads", c.numKeyValueHeads() + " (" + c.kvGroups() + " query heads each)");
        rows.put("head_dim", c.headDim());
        rows.put("max_position_embeddings", c.maxPositionEmbeddings());
        rows.put("rope_theta", c.ropeTheta());
        rows.put("rms_norm_eps", c.rmsNormEps());
        rows.put("tie_word_embeddings", c.tieWordEmbeddings());
        rows.put("attention / mlp bias", c.qkvBias() + " / " + c.mlpBias());
        rows.put("torch_dtype", c.torchDtype() == null ? "(not set)" : c.torchDtype());
        rows.put("parameters", String.format(java.util.Locale.ROOT, "%,d", c.parameterCount()));
        StringColumn field = StringColumn.create("field");
        StringColumn value = StringColumn.create("value");
        rows.forEach((k, v) -> {
            field.append(k);
            value.append(String.valueOf(v));
        });
        return Table.create("architecture", field, value);
    }

    /**
     * Step 2: parameters per kind of tensor, summed over the decoder layers ({@code model.layers.N.} is dropped
     * from the name): {@code tensor}, {@code count} (tensors of that kind), {@code shape} (of one), {@code
     * parameters}, {@code share} (of the total); a last row {@code total}.
     */
    public static Table parameters(Module model) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            String kind = LAYER_PREFIX.matcher(e.getKey()).replaceFirst("model.layers.*.");
            NDArray a = e.getValue().getArray();
            shapes.putIfAbsent(kind, a.getShape().getShape());
            counts.merge(kind, 1, Integer::sum);
            sizes.merge(kind, a.size(), Long::sum);
            total += a.size();
        }
        StringColumn tensor = StringColumn.create("tensor");
        IntColumn count = IntColumn.create("count");
        StringColumn shape = StringColumn.create("shape");
        LongColumn parameters = LongColumn.create("parameters");
        DoubleColumn share = DoubleColumn.create("share");
        for (String kind : sizes.keySet()) {
            tensor.append(kind);
            count.append(counts.get(kind));
            shape.append(Arrays.toString(shapes.get(kind)));
            parameters.append(sizes.get(kind));
            share.append(total == 0 ? 0 : (double) sizes.get(kind) / total);
        }
        tensor.append("total");
        count.append(counts.values().stream().mapToInt(Integer::intValue).sum());
        shape.append("");
        parameters.append(total);
        share.append(total == 0 ? 0 : 1.0);
        return Table.create("parameters", tensor, count, shape, parameters, share);
    }

    /**
     * Step 3: one row per technique: {@code technique}, {@code trainable_params}, {@code total_params},
     * {@code trainable_pct}, {@code frozen_mb}, {@code trainable_mb}, {@code optimizer_mb}, {@code total_mb}
     * (MB = 10^6 bytes; weights plus AdamW state, activations not included).
     */
    public static Table techniques(Map<String, TechniqueReport> reports) {
        StringColumn name = StringColumn.create("technique");
        LongColumn trainable = LongColumn.create("trainable_params");
        LongColumn total = LongColumn.create("total_params");
        DoubleColumn pct = DoubleColumn.create("trainable_pct");
        DoubleColumn frozen = DoubleColumn.create("frozen_mb");
        DoubleColumn trainableMb = DoubleColumn.create("trainable_mb");
        DoubleColumn optimizer = DoubleColumn.create("optimizer_mb");
        DoubleColumn sum = DoubleColumn.create("total_mb");
        reports.forEach((n, r) -> {
            name.append(n);
            trainable.append(r.trainableParameters());
            total.append(r.totalParameters());
            pct.append(100 * r.trainableFraction());
            frozen.append(r.frozenBytes() / MB);
            trainableMb.append(r.trainableBytes() / MB);
            optimizer.append(r.optimizerStateBytes() / MB);
            sum.append((r.frozenBytes() + r.trainableBytes() + r.optimizerStateBytes()) / MB);
        });
        return Table.create("techniques", name, trainable, total, pct, frozen, trainableMb, optimizer, sum);
    }

    /**
     * Steps 1 and 7: the first {@code limit} evaluated messages with the model's answers: {@code id},
     * {@code message} (the last user turn), {@code gold}, {@code answer}, {@code category}.
     */
    public static Table answers(EvalReport report, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        StringColumn id = StringColumn.create("id");
        StringColumn message = StringColumn.create("message");
        StringColumn gold = StringColumn.create("gold");
        StringColumn answer = StringColumn.create("answer");
        StringColumn category = StringColumn.create("category");
        for (ExampleResult r : report.results().subList(0, Math.min(limit, report.n()))) {
            id.append(r.example().id());
            message.append(ChatMessage.lastUserContent(r.example().prompt()).orElse(""));
            gold.append(r.example().gold());
            answer.append(r.completion());
            category.append(r.score().category().name());
        }
        return Table.create("answers", id, message, gold, answer, category);
    }
}
