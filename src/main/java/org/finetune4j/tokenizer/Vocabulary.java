package org.finetune4j.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Token ↔ id tables read from {@code tokenizer.json}: the model's vocabulary ({@code model.vocab},
 * an object for BPE/WordPiece/WordLevel, a list of {@code [piece, score]} for Unigram) plus
 * {@code added_tokens}. DJL's tokenizer wrapper does not expose these lookups, so they are read here.
 */
final class Vocabulary {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Long> ids;
    private final Map<Long, String> tokens;
    private final Set<Long> specialIds;

    private Vocabulary(Map<String, Long> ids, Map<Long, String> tokens, Set<Long> specialIds) {
        this.ids = ids;
        this.tokens = tokens;
        this.specialIds = specialIds;
    }

    static Vocabulary read(Path tokenizerJson) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(tokenizerJson));
        } catch (JsonProcessingException e) {
            throw new IOException("malformed " + tokenizerJson + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("malformed " + tokenizerJson + ": expected a JSON object");
        }
        Map<String, Long> ids = new HashMap<>();
        Map<Long, String> tokens = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                put(ids, tokens, e.getKey(), e.getValue().asLong());
            }
        } else if (vocab.isArray()) {
            long id = 0;
            for (JsonNode piece : vocab) {
                put(ids, tokens, piece.path(0).asText(), id++);
            }
        } else {
            throw new IOException("malformed " + tokenizerJson + ": model.vocab is missing");
        }
        Set<Long> special = new TreeSet<>();
        for (JsonNode added : root.path("added_tokens")) {
            long id = added.path("id").asLong();
            put(ids, tokens, added.path("content").asText(), id);
            if (added.path("special").asBoolean(false)) {
                special.add(id);
            }
        }
        return new Vocabulary(Map.copyOf(ids), Map.copyOf(tokens), Set.copyOf(special));
    }

    private static void put(Map<String, Long> ids, Map<Long, String> tokens, String token, long id) {
        ids.put(token, id);
        tokens.put(id, token);
    }

    Long id(String token) {
        return ids.get(token);
    }

    String token(long id) {
        return tokens.get(id);
    }

    /** Number of distinct ids, vocabulary and added tokens together ({@code len(tokenizer)} in HF). */
    int size() {
        return tokens.size();
    }

    Set<Long> specialIds() {
        return specialIds;
    }
}
