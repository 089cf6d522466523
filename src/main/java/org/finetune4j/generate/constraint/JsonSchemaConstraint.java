package org.finetune4j.generate.constraint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.finetune4j.chat.ChatMessage;
import org.finetune4j.chat.Role;

/**
 * Constrained decoding to a JSON Schema: every answer is one compact JSON object of the schema's properties, in
 * order, each value of an allowed type, enum value and pattern ({@link JsonObjectGrammar}); optionally, some string
 * fields may only hold text copied from the user's last message (extraction: a name or a biller the message names).
 * The answer cannot be cut short by a stop token, and nothing follows the closing brace but a stop token.
 *
 * <pre>{@code
 * chat.optDecodingConstraint(JsonSchemaConstraint.builder()
 *         .setSchema(objective.schemaNode())
 *         .optCopiedFields(Set.of("recipient", "provider", "note"))
 *         .build());
 * }</pre>
 *
 * <p>Masks of states that do not depend on the message (literals, enums, numbers, patterns) are computed once per
 * vocabulary and shared by every answer; tokens are tried by their first character, so most are never looked at.
 */
public final class JsonSchemaConstraint implements DecodingConstraint {
    private final JsonNode schema;
    private final JsonObjectGrammar grammar;
    private final Set<String> copiedFields;
    private final Map<TokenTexts, SharedMasks> masks = new HashMap<>();
    /** Derived constraints by their pins: a few per task (one per intent), each with its own shared masks. */
    private final Map<Map<String, String>, JsonSchemaConstraint> pinnedCache = new HashMap<>();

    private JsonSchemaConstraint(JsonNode schema, JsonObjectGrammar grammar, Set<String> copiedFields) {
        this.schema = schema;
        this.grammar = grammar;
        this.copiedFields = copiedFields;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The constraint of the JSON Schema in {@code schemaFile}, with {@code copiedFields} copied from the message.
     *
     * @throws IOException              when the file cannot be read or is not JSON
     * @throws IllegalArgumentException naming the property when the schema cannot be decoded to
     */
    public static JsonSchemaConstraint read(Path schemaFile, Collection<String> copiedFields) throws IOException {
        return builder().setSchema(new ObjectMapper().readTree(schemaFile.toFile()))
                .optCopiedFields(Set.copyOf(copiedFields)).build();
    }

    /** The schema (a defensive copy). */
    public JsonNode schema() {
        return schema.deepCopy();
    }

    public JsonObjectGrammar grammar() {
        return grammar;
    }

    /** The fields whose values are copied from the user's last message. */
    public Set<String> copiedFields() {
        return copiedFields;
    }

    /**
     * This constraint with each pinned field's {@code enum} narrowed to its one value: the answer writes that value
     * and whatever the schema's conditions make of it; the other fields are decoded as before. Derived constraints
     * are kept per pin set, so their message-independent masks are computed once too.
     *
     * @throws IllegalArgumentException naming the field when it is not one of the schema's string enums or the value
     *                                  is not among its values
     */
    @Override
    public synchronized JsonSchemaConstraint pinned(Map<String, String> values) {
        if (values.isEmpty()) {
            return this;
        }
        JsonSchemaConstraint cached = pinnedCache.get(values);
        if (cached != null) {
            return cached;
        }
        ObjectNode narrowed = schema.deepCopy();
        for (Map.Entry<String, String> pin : values.entrySet()) {
            JsonNode property = narrowed.path("properties").get(pin.getKey());
            JsonNode allowed = property == null ? null : property.get("enum");
            boolean listed = false;
            if (allowed != null) {
                for (JsonNode v : allowed) {
                    listed |= v.isTextual() && v.asText().equals(pin.getValue());
                }
            }
            if (!listed) {
                throw new IllegalArgumentException("cannot pin '" + pin.getKey() + "' to \"" + pin.getValue()
                        + "\": " + (allowed == null ? "the schema has no string enum property of that name"
                        : "not one of its enum values " + allowed));
            }
            ((ObjectNode) property).putArray("enum").add(pin.getValue());
        }
        JsonSchemaConstraint derived = new JsonSchemaConstraint(narrowed,
                JsonObjectGrammar.fromSchema(narrowed, copiedFields), copiedFields);
        pinnedCache.put(Map.copyOf(values), derived);
        return derived;
    }

    @Override
    public synchronized TokenConstraint start(List<ChatMessage> conversation, TokenTexts vocabulary) {
        String source = "";
        for (ChatMessage m : conversation) {
            if (m.role() == Role.USER) {
                source = m.content();
            }
        }
        SharedMasks shared = masks.computeIfAbsent(vocabulary, SharedMasks::new);
        return new Answer(new JsonAnswerAutomaton(grammar, source), shared);
    }

    /** Tokens grouped by their first character, and the masks of message-independent states. */
    private static final class SharedMasks {
        final TokenTexts texts;
        final char[] firstChars;
        final int[][] byFirstChar;
        final Map<JsonAnswerAutomaton.Cursor, BitSet> cache = new HashMap<>();
        /** Cached masks kept at most: about 256 MB of them, whatever the vocabulary's size. */
        final int maxCached;

        SharedMasks(TokenTexts texts) {
            this.texts = texts;
            this.maxCached = Math.max(256, (int) Math.min(Integer.MAX_VALUE, (256L << 23) / Math.max(1, texts.size())));
            Map<Character, List<Integer>> groups = new HashMap<>();
            for (int id = 0; id < texts.size(); id++) {
                String t = texts.text(id);
                if (t != null) {
                    groups.computeIfAbsent(t.charAt(0), k -> new ArrayList<>()).add(id);
                }
            }
            firstChars = new char[groups.size()];
            byFirstChar = new int[groups.size()][];
            int i = 0;
            for (Map.Entry<Character, List<Integer>> e : groups.entrySet()) {
                firstChars[i] = e.getKey();
                byFirstChar[i++] = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            }
        }
    }

    /** The state of one answer. */
    private static final class Answer implements TokenConstraint {
        private final JsonAnswerAutomaton automaton;
        private final SharedMasks shared;
        private JsonAnswerAutomaton.Cursor cursor = JsonAnswerAutomaton.Cursor.START;

        Answer(JsonAnswerAutomaton automaton, SharedMasks shared) {
            this.automaton = automaton;
            this.shared = shared;
        }

        @Override
        public void mask(float[] logits, Set<Long> stopTokenIds) {
            BitSet allowed = allowed(); // never holds a stop token: special tokens have no text
            boolean done = cursor.done();
            boolean any = false;
            for (int id = 0; id < logits.length; id++) {
                if (allowed.get(id) || (done && stopTokenIds.contains((long) id))) {
                    any = true;
                } else {
                    logits[id] = Float.NEGATIVE_INFINITY;
                }
            }
            if (!any) { // a dead end (the schema allows nothing here): end the answer rather than write garbage
                for (long id : stopTokenIds) {
                    if (id >= 0 && id < logits.length) {
                        logits[(int) id] = 0;
                    }
                }
            }
        }

        private BitSet allowed() {
            synchronized (shared) {
                BitSet cached = shared.cache.get(cursor);
                if (cached != null) {
                    return cached;
                }
            }
            automaton.clearSourceUsed();
            BitSet allowed = new BitSet(shared.texts.size());
            for (int g = 0; g < shared.firstChars.length; g++) {
                JsonAnswerAutomaton.Cursor afterFirst = automaton.step(cursor, shared.firstChars[g]);
                if (afterFirst == null) {
                    continue;
                }
                for (int id : shared.byFirstChar[g]) {
                    if (automaton.steps(afterFirst, shared.texts.text(id), 1) != null) {
                        allowed.set(id);
                    }
                }
            }
            if (!automaton.sourceUsed()) {
                synchronized (shared) {
                    if (shared.cache.size() >= shared.maxCached) {
                        shared.cache.clear(); // a long-lived model answering many messages stays bounded
                    }
                    shared.cache.put(cursor, allowed);
                }
            }
            return allowed;
        }

        @Override
        public void accept(long token) {
            String text = token >= 0 && token < shared.texts.size() ? shared.texts.text((int) token) : null;
            JsonAnswerAutomaton.Cursor next = text == null ? null : automaton.steps(cursor, text, 0);
            if (next == null) {
                throw new IllegalStateException("token " + token + " (" + text + ") breaks the JSON constraint: it"
                        + " was not allowed after the answer so far");
            }
            cursor = next;
        }
    }

    public static final class Builder {
        private JsonNode schema;
        private Set<String> copiedFields = Set.of();

        /** The JSON Schema of the answer: a flat object whose properties are all required. */
        public Builder setSchema(JsonNode schema) {
            this.schema = schema;
            return this;
        }

        /** String fields whose values must be copied from the user's last message (default: none). */
        public Builder optCopiedFields(Set<String> fields) {
            this.copiedFields = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(fields));
            return this;
        }

        public JsonSchemaConstraint build() {
            if (schema == null) {
                throw new IllegalArgumentException("setSchema is required");
            }
            return new JsonSchemaConstraint(schema.deepCopy(), JsonObjectGrammar.fromSchema(schema, copiedFields),
                    copiedFields);
        }
    }
}
