package org.finetune4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.finetune4j.chat.ChatMessage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every fixture template × conversation × add_generation_prompt, rendered by Jinjava and by Python
 * Jinja2 in Hugging Face's configuration, must agree byte for byte (or both must raise the same
 * message). Skipped when python3 with jinja2 is not installed.
 */
class ChatTemplateJinja2CrossCheckTest {
    private static final LocalDateTime NOW = LocalDateTime.of(2025, 3, 7, 9, 30, 0);
    private static final Clock CLOCK = Clock.fixed(NOW.toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    @TestFactory
    Stream<DynamicTest> jinjavaMatchesPythonJinja2() {
        Assumptions.assumeTrue(Jinja2Reference.isAvailable(),
                "python3 with jinja2 is not installed (apt-get install python3-jinja2); cross-check skipped");
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : ChatFixtures.TEMPLATES) {
            for (Map.Entry<String, List<ChatMessage>> conv : ChatFixtures.conversations().entrySet()) {
                for (boolean gen : new boolean[] {false, true}) {
                    tests.add(DynamicTest.dynamicTest(name + " / " + conv.getKey() + " / gen=" + gen,
                            () -> compare(name, conv.getValue(), gen, Map.of())));
                }
            }
        }
        // Extra variables: Llama 3's explicit date and tools (tojson with indent=4), Qwen's tools (tojson).
        Map<String, Object> tools = Map.of("tools", List.of(Map.of("type", "function", "function", Map.of(
                "name", "get_weather", "description", "Weather for a city, e.g. \"Zürich\"",
                "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")),
                        "required", List.of("city"))))));
        tests.add(DynamicTest.dynamicTest("llama3 / date_string", () -> compare(ChatFixtures.LLAMA3,
                ChatFixtures.NO_SYSTEM, true, Map.of("date_string", "01 Jan 2030"))));
        tests.add(DynamicTest.dynamicTest("llama3 / tools", () -> compare(ChatFixtures.LLAMA3,
                ChatFixtures.SYSTEM_USER_ASSISTANT, true, tools)));
        tests.add(DynamicTest.dynamicTest("qwen2.5 / tools", () -> compare(ChatFixtures.QWEN25,
                ChatFixtures.MULTI_TURN, true, tools)));
        return tests.stream();
    }

    private static void compare(String name, List<ChatMessage> messages, boolean gen, Map<String, Object> extra)
            throws Exception {
        String[] special = ChatFixtures.specialTokens(name);
        String source = ChatFixtures.source(name);
        Jinja2Reference.Rendered python =
                Jinja2Reference.render(source, messages, gen, special[0], special[1], extra, NOW);
        ChatTemplate template = ChatFixtures.template(name).withClock(CLOCK);
        if (python.error() != null) {
            ChatTemplateException e = assertThrows(ChatTemplateException.class,
                    () -> template.render(messages, gen, extra));
            assertEquals(python.error(), e.getMessage());
        } else {
            assertEquals(python.output(), template.render(messages, gen, extra));
        }
    }
}
