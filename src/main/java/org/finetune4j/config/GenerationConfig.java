package org.finetune4j.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.finetune4j.io.AtomicFiles;

/**
 * Default decoding settings of a checkpoint, mapped from {@code generation_config.json}.
 * Absent keys take the HF library defaults (greedy, temperature 1, top-k 50, top-p 1).
 */
public record GenerationConfig(
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        Integer padTokenId,
        boolean doSample,
        double temperature,
        int topK,
        double topP,
        double repetitionPenalty,
        Integer maxNewTokens) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static final GenerationConfig DEFAULTS =
            new GenerationConfig(null, List.of(), null, false, 1.0, 50, 1.0, 1.0, null);

    public GenerationConfig {
        eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
    }

    /** Reads {@code dir/generation_config.json}; a missing file gives {@link #DEFAULTS}. */
    public static GenerationConfig read(Path dir) {
        Path file = dir.resolve("generation_config.json");
        if (!Files.exists(file)) {
            return DEFAULTS;
        }
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!n.isObject()) {
            throw new ConfigException(file + ": must be a JSON object");
        }
        try {
            return new GenerationConfig(
                    n.hasNonNull("bos_token_id") ? n.get("bos_token_id").asInt() : null,
                    LlamaConfig.ids(n.get("eos_token_id")),
                    n.hasNonNull("pad_token_id") ? n.get("pad_token_id").asInt() : null,
                    n.path("do_sample").asBoolean(false),
                    n.path("temperature").asDouble(1.0),
                    n.path("top_k").asInt(50),
                    n.path("top_p").asDouble(1.0),
                    n.path("repetition_penalty").asDouble(1.0),
                    n.hasNonNull("max_new_tokens") ? n.get("max_new_tokens").asInt() : null);
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
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
        o.put("do_sample", doSample);
        if (doSample) {
            o.put("temperature", temperature);
            o.put("top_k", topK);
            o.put("top_p", topP);
        }
        if (repetitionPenalty != 1.0) {
            o.put("repetition_penalty", repetitionPenalty);
        }
        if (maxNewTokens != null) {
            o.put("max_new_tokens", maxNewTokens);
        }
        return o;
    }

    public void write(Path dir) throws IOException {
        AtomicFiles.writeString(dir.resolve("generation_config.json"), JSON.writeValueAsString(toJson()) + "\n");
    }
}
