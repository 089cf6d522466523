package org.finetune4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.finetune4j.io.AtomicFiles;

/**
 * The architecture hyper-parameters of a Llama-family checkpoint, mapped from HF {@code config.json}.
 *
 * <p>Absent keys take the defaults of the HF Python class for that {@code model_type}. Derived values
 * ({@link #headDim()}, {@link #kvGroups()}) are methods, so nothing has to be kept in sync.
 *
 * @param modelType             llama, mistral or qwen2
 * @param vocabSize             rows of the embedding and the LM head
 * @param hiddenSize            model width D
 * @param intermediateSize      SwiGLU inner width F
 * @param numHiddenLayers       decoder layers L
 * @param numAttentionHeads     query heads H
 * @param numKeyValueHeads      key/value heads H_kv (GQA); equals H for plain multi-head attention
 * @param explicitHeadDim       {@code head_dim} when the file sets it, else 0 (then D / H)
 * @param maxPositionEmbeddings context length the model was trained for
 * @param rmsNormEps            RMSNorm epsilon
 * @param ropeTheta             RoPE base
 * @param ropeScaling           RoPE frequency scaling ({@link RopeScaling#NONE} when absent)
 * @param attentionBias         bias on q/k/v (and o for Llama); Qwen2 always has q/k/v bias
 * @param mlpBias               bias on gate/up/down
 * @param tieWordEmbeddings     LM head shares the embedding matrix
 * @param bosTokenId            beginning-of-sequence id, or null
 * @param eosTokenIds           end-of-sequence ids (config may give an int or a list)
 * @param padTokenId            padding id, or null
 * @param torchDtype            dtype the checkpoint was saved in ("bfloat16", …), or null
 * @param slidingWindow         Mistral/Qwen2 sliding-window size when in use, else 0
 */
public record LlamaConfig(
        ModelType modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int explicitHeadDim,
        int maxPositionEmbeddings,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean attentionBias,
        boolean mlpBias,
        boolean tieWordEmbeddings,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        Integer padTokenId,
        String torchDtype,
        int slidingWindow) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public LlamaConfig {
        Objects.requireNonNull(modelType, "modelType");
        ropeScaling = ropeScaling == null ? RopeScaling.NONE : ropeScaling;
        eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
        require(vocabSize > 0, "vocab_size must be positive");
        require(hiddenSize > 0, "hidden_size must be positive");
        require(intermediateSize > 0, "intermediate_size must be positive");
        require(numHiddenLayers > 0, "num_hidden_layers must be positive");
        require(numAttentionHeads > 0, "num_attention_heads must be positive");
        require(numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads == 0,
                "num_attention_heads (" + numAttentionHeads + ") must be a multiple of num_key_value_heads ("
                        + numKeyValueHeads + ")");
        require(explicitHeadDim > 0 || hiddenSize % numAttentionHeads == 0,
                "hidden_size must be divisible by num_attention_heads when head_dim is not set");
        int hd = explicitHeadDim > 0 ? explicitHeadDim : hiddenSize / numAttentionHeads;
        require(hd % 2 == 0, "head_dim must be even for rotary embeddings, got " + hd);
        explicitHeadDim = hd; // normalised, so a config equals itself after a save/load round trip
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ConfigException("invalid config: " + message);
        }
    }

    /** Per-head width. */
    public int headDim() {
        return explicitHeadDim > 0 ? explicitHeadDim : hiddenSize / numAttentionHeads;
    }

    /** Query heads per key/value head (1 without GQA). */
    public int kvGroups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Whether q/k/v projections carry a bias. */
    public boolean qkvBias() {
        return modelType.alwaysQkvBias() || attentionBias;
    }

    /** Whether o_proj carries a bias (Llama's {@code attention_bias}; never for Qwen2). */
    public boolean oBias() {
        return modelType != ModelType.QWEN2 && attentionBias;
    }

    /** Number of parameters of the model this config describes (tied head counted once). */
    public long parameterCount() {
        long d = hiddenSize;
        long q = (long) numAttentionHeads * headDim();
        long kv = (long) numKeyValueHeads * headDim();
        long attn = d * q + 2 * d * kv + q * d + (qkvBias() ? q + 2 * kv : 0) + (oBias() ? d : 0);
        long mlp = 3 * d * intermediateSize + (mlpBias ? 2L * intermediateSize + d : 0);
        long layer = attn + mlp + 2 * d;
        long embed = (long) vocabSize * d;
        return embed + numHiddenLayers * layer + d + (tieWordEmbeddings ? 0 : embed);
    }

    /** A builder for configs made in code (tests, the tiny base model, benchmarks). */
    public static Builder builder() {
        return new Builder();
    }

    /** Reads {@code dir/config.json} (or the file itself when {@code path} is a file). */
    public static LlamaConfig read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ConfigException("model config not found: " + file, e);
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        try {
            return fromJson(root);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** Maps a parsed config.json object; absent keys take the HF defaults of the model type. */
    public static LlamaConfig fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ConfigException("config must be a JSON object");
        }
        if (!root.hasNonNull("model_type")) {
            throw new ConfigException("missing 'model_type'");
        }
        ModelType type = ModelType.parse(root.get("model_type").asText());
        String act = text(root, "hidden_act", "silu");
        if (!act.equals("silu") && !act.equals("swish")) {
            throw new ConfigException("unsupported hidden_act '" + act + "'; Llama-family models use silu");
        }
        if (root.path("pretraining_tp").asInt(1) != 1) {
            throw new ConfigException("pretraining_tp other than 1 is not supported");
        }
        int heads = integer(root, "num_attention_heads", 32);
        JsonNode ropeParams = root.path("rope_parameters"); // transformers v5 layout
        double theta = ropeParams.hasNonNull("rope_theta") ? ropeParams.get("rope_theta").asDouble()
                : root.path("rope_theta").asDouble(type == ModelType.QWEN2 ? 10000.0 : 10000.0);
        JsonNode scaling = root.hasNonNull("rope_scaling") ? root.get("rope_scaling")
                : (ropeParams.isObject() ? ropeParams : null);
        int window = 0;
        boolean windowOn = type == ModelType.MISTRAL || root.path("use_sliding_window").asBoolean(false);
        if (windowOn && root.hasNonNull("sliding_window")) {
            window = root.get("sliding_window").asInt();
        }
        return new LlamaConfig(
                type,
                integer(root, "vocab_size", type == ModelType.QWEN2 ? 151936 : 32000),
                integer(root, "hidden_size", 4096),
                integer(root, "intermediate_size", switch (type) {
                    case LLAMA -> 11008;
                    case QWEN2 -> 22016;
                    case MISTRAL -> 14336;
                }),
                integer(root, "num_hidden_layers", 32),
                heads,
                root.hasNonNull("num_key_value_heads") ? root.get("num_key_value_heads").asInt()
                        : (type == ModelType.MISTRAL ? 8 : heads),
                root.hasNonNull("head_dim") ? root.get("head_dim").asInt() : 0,
                integer(root, "max_position_embeddings", switch (type) {
                    case LLAMA -> 2048;
                    case QWEN2 -> 32768;
                    case MISTRAL -> 131072;
                }),
                root.path("rms_norm_eps").asDouble(1e-6),
                theta,
                parseScaling(scaling),
                root.path("attention_bias").asBoolean(false),
                root.path("mlp_bias").asBoolean(false),
                root.path("tie_word_embeddings").asBoolean(false),
                root.hasNonNull("bos_token_id") ? root.get("bos_token_id").asInt() : null,
                ids(root.get("eos_token_id")),
                root.hasNonNull("pad_token_id") ? root.get("pad_token_id").asInt() : null,
                root.hasNonNull("torch_dtype") ? root.get("torch_dtype").asText()
                        : (root.hasNonNull("dtype") ? root.get("dtype").asText() : null),
                window);
    }

    private static RopeScaling parseScaling(JsonNode s) {
        if (s == null || s.isNull() || !s.isObject()) {
            return RopeScaling.NONE;
        }
        String typeName = s.hasNonNull("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("default");
        RopeType t = RopeType.parse(typeName);
        if (t == RopeType.DEFAULT) {
            return RopeScaling.NONE;
        }
        if (!s.hasNonNull("factor")) {
            throw new ConfigException("rope_scaling of type " + typeName + " needs 'factor'");
        }
        if (t == RopeType.LLAMA3) {
            for (String k : List.of("low_freq_factor", "high_freq_factor", "original_max_position_embeddings")) {
                if (!s.hasNonNull(k)) {
                    throw new ConfigException("rope_scaling of type llama3 needs '" + k + "'");
                }
            }
        }
        return new RopeScaling(t, s.get("factor").asDouble(), s.path("low_freq_factor").asDouble(1),
                s.path("high_freq_factor").asDouble(1), s.path("original_max_position_embeddings").asInt(0));
    }

    static List<Integer> ids(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asInt()));
        } else if (n.canConvertToInt()) {
            out.add(n.asInt());
        } else {
            throw new ConfigException("eos_token_id must be an integer or a list of integers, got " + n);
        }
        return out;
    }

    private static int integer(JsonNode root, String key, int dflt) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.canConvertToInt()) {
            throw new ConfigException("'" + key + "' must be an integer, got " + n);
        }
        return n.asInt();
    }

    private static String text(JsonNode root, String key, String dflt) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? dflt : n.asText();
    }

    /** The config.json object HF transformers would write for this config. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(modelType.architecture());
        o.put("model_type", modelType.wireName());
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_key_value_heads", numKeyValueHeads);
        o.put("head_dim", headDim());
        o.put("hidden_act", "silu");
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        if (ropeScaling.type() == RopeType.DEFAULT) {
            o.putNull("rope_scaling");
        } else {
            ObjectNode s = o.putObject("rope_scaling");
            s.put("rope_type", ropeScaling.type().wireName());
            s.put("factor", ropeScaling.factor());
            if (ropeScaling.type() == RopeType.LLAMA3) {
                s.put("low_freq_factor", ropeScaling.lowFreqFactor());
                s.put("high_freq_factor", ropeScaling.highFreqFactor());
                s.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
            }
        }
        if (modelType != ModelType.QWEN2) {
            o.put("attention_bias", attentionBias);
        }
        o.put("mlp_bias", mlpBias);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        if (bosTokenId != null) {
            o.put("bos_token_id", bosTokenId);
        }
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            ArrayNode a = o.putArray("eos_token_id");
            eosTokenIds.forEach(a::add);
        }
        if (padTokenId != null) {
            o.put("pad_token_id", padTokenId);
        }
        if (slidingWindow > 0) {
            o.put("sliding_window", slidingWindow);
            if (modelType == ModelType.QWEN2) {
                o.put("use_sliding_window", true);
            }
        }
        o.put("torch_dtype", torchDtype == null ? "float32" : torchDtype);
        o.put("pretraining_tp", 1);
        return o;
    }

    /** Writes config.json into {@code dir} (temp file, then atomic rename). */
    public void write(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve("config.json"), JSON.writeValueAsString(toJson()) + "\n");
    }

    /** Mutable builder with the defaults of a small Llama. */
    public static final class Builder {
        private ModelType modelType = ModelType.LLAMA;
        private int vocabSize = 32000;
        private int hiddenSize = 256;
        private int intermediateSize = 688;
        private int numHiddenLayers = 8;
        private int numAttentionHeads = 8;
        private int numKeyValueHeads = 0;
        private int headDim = 0;
        private int maxPositionEmbeddings = 512;
        private double rmsNormEps = 1e-5;
        private double ropeTheta = 10000;
        private RopeScaling ropeScaling = RopeScaling.NONE;
        private boolean attentionBias;
        private boolean mlpBias;
        private boolean tieWordEmbeddings;
        private Integer bosTokenId;
        private List<Integer> eosTokenIds = List.of();
        private Integer padTokenId;
        private String torchDtype = "float32";

        public Builder setModelType(ModelType v) { modelType = v; return this; }
        public Builder setVocabSize(int v) { vocabSize = v; return this; }
        public Builder setHiddenSize(int v) { hiddenSize = v; return this; }
        public Builder setIntermediateSize(int v) { intermediateSize = v; return this; }
        public Builder setNumHiddenLayers(int v) { numHiddenLayers = v; return this; }
        public Builder setNumAttentionHeads(int v) { numAttentionHeads = v; return this; }
        public Builder optNumKeyValueHeads(int v) { numKeyValueHeads = v; return this; }
        public Builder optHeadDim(int v) { headDim = v; return this; }
        public Builder optMaxPositionEmbeddings(int v) { maxPositionEmbeddings = v; return this; }
        public Builder optRmsNormEps(double v) { rmsNormEps = v; return this; }
        public Builder optRopeTheta(double v) { ropeTheta = v; return this; }
        public Builder optRopeScaling(RopeScaling v) { ropeScaling = v; return this; }
        public Builder optAttentionBias(boolean v) { attentionBias = v; return this; }
        public Builder optMlpBias(boolean v) { mlpBias = v; return this; }
        public Builder optTieWordEmbeddings(boolean v) { tieWordEmbeddings = v; return this; }
        public Builder optBosTokenId(Integer v) { bosTokenId = v; return this; }
        public Builder optEosTokenIds(List<Integer> v) { eosTokenIds = v; return this; }
        public Builder optPadTokenId(Integer v) { padTokenId = v; return this; }
        public Builder optTorchDtype(String v) { torchDtype = v; return this; }

        public LlamaConfig build() {
            return new LlamaConfig(modelType, vocabSize, hiddenSize, intermediateSize, numHiddenLayers,
                    numAttentionHeads, numKeyValueHeads > 0 ? numKeyValueHeads : numAttentionHeads, headDim,
                    maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling, attentionBias, mlpBias,
                    tieWordEmbeddings, bosTokenId, eosTokenIds, padTokenId, torchDtype, 0);
        }
    }
}
