package org.finetune4j.rag;

import java.util.ArrayList;
import java.util.List;
import org.finetune4j.chat.ChatMessage;

/** Prompt tools registered for the tests only ({@code src/test/resources/META-INF/services}). */
public final class TestPromptTools {
    private TestPromptTools() {
    }

    /** Appends " +a" to the first message. */
    public static final class TagFirst extends NamedPromptTool {
        public TagFirst() {
            super("test_tag_first", conversation -> {
                List<ChatMessage> out = new ArrayList<>(conversation);
                out.set(0, new ChatMessage(out.get(0).role(), out.get(0).content() + " +a"));
                return out;
            });
        }
    }

    /** Inserts a system message "preamble" before the first message. */
    public static final class Preamble extends NamedPromptTool {
        public Preamble() {
            super("test_preamble", conversation -> {
                List<ChatMessage> out = new ArrayList<>();
                out.add(ChatMessage.system("preamble"));
                out.addAll(conversation);
                return out;
            });
        }
    }
}
