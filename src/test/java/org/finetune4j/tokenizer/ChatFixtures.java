package org.finetune4j.tokenizer;

import static org.finetune4j.chat.ChatMessage.assistant;
import static org.finetune4j.chat.ChatMessage.system;
import static org.finetune4j.chat.ChatMessage.user;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;

/** The real chat templates under src/test/resources/chat-templates and the conversations rendered with them. */
final class ChatFixtures {
    private ChatFixtures() {}

    static final String LLAMA3 = "llama3.2-instruct.jinja";
    static final String QWEN25 = "qwen2.5-instruct.jinja";
    static final String MISTRAL = "mistral-instruct-v1.jinja";
    static final String SMOLLM2 = "smollm2-instruct.jinja";
    static final String GEMMA2 = "gemma2-it.jinja";
    static final String GEMMA3 = "gemma3-it.jinja";

    static final List<String> TEMPLATES = List.of(LLAMA3, QWEN25, MISTRAL, SMOLLM2, GEMMA2, GEMMA3);

    /** BOS and EOS strings of each model family, as in their tokenizer_config.json. */
    static String[] specialTokens(String template) {
        return switch (template) {
            case LLAMA3 -> new String[] {"<|begin_of_text|>", "<|eot_id|>"};
            case QWEN25 -> new String[] {null, "<|im_end|>"};
            case MISTRAL -> new String[] {"<s>", "</s>"};
            case SMOLLM2 -> new String[] {"<|im_start|>", "<|im_end|>"};
            case GEMMA2, GEMMA3 -> new String[] {"<bos>", "<eos>"};
            default -> throw new IllegalArgumentException(template);
        };
    }

    static String source(String template) {
        try (InputStream in = ChatFixtures.class.getResourceAsStream("/chat-templates/" + template)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + template);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ChatTemplate template(String template) {
        String[] tokens = specialTokens(template);
        return new ChatTemplate(source(template)).withSpecialTokens(tokens[0], tokens[1]);
    }

    static final List<ChatMessage> SYSTEM_USER_ASSISTANT = List.of(
            system("You are a helpful assistant."),
            user("Hello!"),
            assistant("Hi there, how can I help?"));

    static final List<ChatMessage> MULTI_TURN = List.of(
            system("  Answer briefly.\n"),
            user("What is 2+2?"),
            assistant("  4  "),
            user("Terima kasih! Apa ibu kota Indonesia?"),
            assistant("Jakarta."),
            user("Dan Jepang? 日本 🗾"));

    static final List<ChatMessage> NO_SYSTEM = List.of(
            user("Hello"),
            assistant("Hi"),
            user("Who are you?"));

    static final List<ChatMessage> SINGLE_USER = List.of(user("Ceritakan tentang \"Jakarta\" \\ 🌏"));

    static Map<String, List<ChatMessage>> conversations() {
        Map<String, List<ChatMessage>> all = new LinkedHashMap<>();
        all.put("system-user-assistant", SYSTEM_USER_ASSISTANT);
        all.put("multi-turn", MULTI_TURN);
        all.put("no-system", NO_SYSTEM);
        all.put("single-user", SINGLE_USER);
        return all;
    }
}
