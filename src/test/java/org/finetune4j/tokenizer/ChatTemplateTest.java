package org.finetune4j.tokenizer;

import static org.finetune4j.chat.ChatMessage.assistant;
import static org.finetune4j.chat.ChatMessage.system;
import static org.finetune4j.chat.ChatMessage.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.finetune4j.chat.ChatMessage;
import org.junit.jupiter.api.Test;

/** Exact renders of real model templates; expected strings are written from the templates' documented formats. */
class ChatTemplateTest {
    private static final Clock MARCH_7_2025 = Clock.fixed(Instant.parse("2025-03-07T09:30:00Z"), ZoneOffset.UTC);

    /** The conversation of llama.cpp's tests/test-chat-template.cpp. */
    private static final List<ChatMessage> LLAMA_CPP_CONVERSATION = List.of(
            system("You are a helpful assistant"),
            user("Hello"),
            assistant("Hi there"),
            user("Who are you"),
            assistant("   I am an assistant   "),
            user("Another question"));

    @Test
    void smolLm2AddsItsDefaultSystemTurn() {
        ChatTemplate t = ChatFixtures.template(ChatFixtures.SMOLLM2);
        assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\nHi<|im_end|>\n"
                + "<|im_start|>user\nWho are you?<|im_end|>\n<|im_start|>assistant\n",
                t.render(ChatFixtures.NO_SYSTEM, true));
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\nHi there, how can I help?<|im_end|>\n",
                t.render(ChatFixtures.SYSTEM_USER_ASSISTANT, false));
    }

    @Test
    void qwen25UsesGivenOrDefaultSystemPrompt() {
        ChatTemplate t = ChatFixtures.template(ChatFixtures.QWEN25);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\nHi there, how can I help?<|im_end|>\n",
                t.render(ChatFixtures.SYSTEM_USER_ASSISTANT, false));
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\nHi<|im_end|>\n"
                + "<|im_start|>user\nWho are you?<|im_end|>\n<|im_start|>assistant\n",
                t.render(ChatFixtures.NO_SYSTEM, true));
    }

    @Test
    void qwen25ListsToolsAsCompactPythonJson() {
        Map<String, Object> tool = new java.util.LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", Map.of("name", "f"));
        String out = ChatFixtures.template(ChatFixtures.QWEN25).render(List.of(user("Hi")), false,
                Map.of("tools", List.of(tool)));
        // json.dumps default separators: ", " and ": "
        String json = out.substring(out.indexOf("<tools>\n") + 8, out.indexOf("\n</tools>"));
        assertEquals("{\"type\": \"function\", \"function\": {\"name\": \"f\"}}", json);
    }

    @Test
    void llama32WritesDatePreambleAndTrimsContent() {
        ChatTemplate t = ChatFixtures.template(ChatFixtures.LLAMA3).withClock(MARCH_7_2025);
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                + "You are a helpful assistant.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there, how can I help?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                t.render(ChatFixtures.SYSTEM_USER_ASSISTANT, true, Map.of("date_string", "26 Jul 2024")));
        // No date_string: strftime_now("%d %b %Y") on the template's clock.
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 07 Mar 2025\n\n"
                + "Answer briefly.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nTerima kasih! Apa ibu kota Indonesia?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nJakarta.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nDan Jepang? 日本 🗾<|eot_id|>",
                t.render(ChatFixtures.MULTI_TURN, false));
        // Without a system message the system block is still written, empty.
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 07 Mar 2025\n\n<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>",
                t.render(List.of(user("Hello")), false));
    }

    @Test
    void llama32PutsToolsInFirstUserMessageWithIndentedJson() {
        String out = ChatFixtures.template(ChatFixtures.LLAMA3).render(List.of(user("Weather?")), true,
                Map.of("date_string", "26 Jul 2024", "tools", List.of(Map.of("name", "get_weather"))));
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nEnvironment: ipython\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, please respond with a JSON "
                + "for a function call with its proper arguments that best answers the given prompt.\n\n"
                + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its "
                + "value}.Do not use variables.\n\n{\n    \"name\": \"get_weather\"\n}\n\nWeather?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", out);
    }

    @Test
    void mistralMergesSystemIntoFirstUserTurn() {
        // Expected output from llama.cpp tests/test-chat-template.cpp, case
        // "mistralai/Mistral-7B-Instruct-v0.2 (mistralai 'v1' template with a system prompt)", bos "" and eos "</s>".
        ChatTemplate t = new ChatTemplate(ChatFixtures.source(ChatFixtures.MISTRAL)).withSpecialTokens("", "</s>");
        assertEquals(" [INST] You are a helpful assistant\n\nHello [/INST] Hi there</s> [INST] Who are you [/INST]"
                + "    I am an assistant   </s> [INST] Another question [/INST]", t.render(LLAMA_CPP_CONVERSATION, true));
        assertEquals("<s> [INST] Hello [/INST] Hi</s> [INST] Who are you? [/INST]",
                ChatFixtures.template(ChatFixtures.MISTRAL).render(ChatFixtures.NO_SYSTEM, true));
    }

    @Test
    void mistralRejectsNonAlternatingRoles() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> ChatFixtures.template(ChatFixtures.MISTRAL)
                .render(List.of(user("a"), user("b")), false));
        assertEquals("After the optional system message, conversation roles must alternate "
                + "user/assistant/user/assistant/...", e.getMessage());
    }

    @Test
    void gemma2RejectsSystemAndRendersModelTurns() {
        ChatTemplate t = ChatFixtures.template(ChatFixtures.GEMMA2);
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> t.render(ChatFixtures.SYSTEM_USER_ASSISTANT, false));
        assertEquals("System role not supported", e.getMessage());
        assertEquals("<bos><start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\nHi<end_of_turn>\n"
                + "<start_of_turn>user\nWho are you?<end_of_turn>\n<start_of_turn>model\n",
                t.render(ChatFixtures.NO_SYSTEM, true));
    }

    @Test
    void gemma3PrefixesSystemToFirstUserTurn() {
        ChatTemplate t = ChatFixtures.template(ChatFixtures.GEMMA3);
        assertEquals("<bos><start_of_turn>user\nYou are a helpful assistant.\n\nHello!<end_of_turn>\n"
                + "<start_of_turn>model\nHi there, how can I help?<end_of_turn>\n",
                t.render(ChatFixtures.SYSTEM_USER_ASSISTANT, false));
        // Same conversation as a public Rust test whose output was checked against Python transformers.
        assertEquals("<bos><start_of_turn>user\nYou are terse.\n\nHello!<end_of_turn>\n<start_of_turn>model\nHi.<end_of_turn>\n"
                + "<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n<start_of_turn>model\n",
                t.render(List.of(system("You are terse."), user("Hello!"), assistant("Hi."), user("What is 2+2?")), true));
    }

    @Test
    void pythonStringMethodsWork() {
        ChatTemplate t = new ChatTemplate("{{ messages[0]['content'].strip() }}|{{ messages[0].content.lstrip() }}|"
                + "{{ messages[0].content.rstrip() }}|{{ 'Abc'.upper() }}{{ 'Abc'.lower() }}|{{ 'abc'.startswith('ab') }}"
                + "{{ 'abc'.endswith(('x', 'c')) }}|{{ 'a,b,,c'.split(',') | length }}|{{ ' a  b '.split() | join('+') }}|"
                + "{{ 'aaa'.replace('a', 'b', 2) }}|{{ ', '.join(['x', 'y']) }}");
        assertEquals("hi|hi \n|\t hi|ABCabc|truetrue|4|a+b|bba|x, y",
                t.render(List.of(user("\t hi \n")), false));
    }

    @Test
    void notBindsLooserThanTestsAndComparisons() {
        ChatTemplate t = new ChatTemplate("{% set x = 1 %}{{ not x is defined }} {{ not y is defined }} "
                + "{{ not [1] | length == 2 }} {{ 1 if not 2 == 2 else 0 }} {{ not 'a' in 'abc' }} {{ x is not none }}");
        assertEquals("false true true 0 false true", t.render(List.of(), false));
    }

    @Test
    void namespaceSlicingItemsAndLoopVariables() {
        ChatTemplate t = new ChatTemplate("{%- set ns = namespace(n=0) -%}{%- for m in messages[1:] -%}"
                + "{%- set ns.n = ns.n + 1 -%}{{ loop.index0 }}{{ 'F' if loop.first }}{{ 'L' if loop.last }},{%- endfor -%}"
                + "{{ ns.n }}|{% for k, v in messages[0].items() %}{{ k }}={{ v }};{% endfor %}"
                + "|{{ messages[0]['content'] is string }}{{ messages[0] is mapping }}{{ tools is defined }}");
        assertEquals("0F,1,2L,3|role=user;content=a;|truetruefalse",
                t.render(List.of(user("a"), assistant("b"), user("c"), assistant("d")), false));
    }

    @Test
    void trailingNewlineOfTheSourceIsDroppedLikeJinja2() {
        assertEquals("x", new ChatTemplate("x\n").render(List.of(), false));
        assertEquals("x\n", new ChatTemplate("x\n\n").render(List.of(), false));
    }

    @Test
    void unknownFunctionFailsClearly() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> new ChatTemplate("{{ no_such_function(1) }}").render(List.of(), false));
        assertEquals(true, e.getMessage().contains("no_such_function"), e.getMessage());
    }

    @Test
    void pythonJsonMatchesJsonDumps() {
        // Reference strings are what CPython's json.dumps(..., ensure_ascii=False) prints.
        Map<String, Object> value = new java.util.LinkedHashMap<>();
        value.put("a", java.util.Arrays.asList(1, 2.5, null, true));
        value.put("b", "é\n\"\u0001");
        assertEquals("{\"a\": [1, 2.5, null, true], \"b\": \"é\\n\\\"\\u0001\"}", PythonJson.dumps(value, null, false));
        assertEquals("[\n  1,\n  {\n    \"k\": []\n  }\n]", PythonJson.dumps(List.of(1L, Map.of("k", List.of())), 2, false));
        assertEquals("1e-05 1e+16 0.1 100.0 -0.0", String.join(" ", PythonJson.number(1e-5), PythonJson.number(1e16),
                PythonJson.number(0.1), PythonJson.number(100.0), PythonJson.number(-0.0)));
    }
}
