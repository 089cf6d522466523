package org.finetune4j.data;

import java.util.Objects;

/**
 * Key and role names of a ShareGPT file (LLaMA-Factory's {@code tags}); dumps differ, e.g.
 * {@code role/content} with {@code user/assistant}.
 *
 * @param messagesKey     top-level key of the turn list ({@code "conversations"})
 * @param roleTag         key of a turn's speaker ({@code "from"})
 * @param contentTag      key of a turn's text ({@code "value"})
 * @param userTag         speaker name of user turns ({@code "human"})
 * @param assistantTag    speaker name of assistant turns ({@code "gpt"})
 * @param systemTag       speaker name of system turns ({@code "system"})
 * @param observationTag  speaker name of tool results ({@code "observation"}), read as tool turns
 * @param functionCallTag speaker name of tool calls ({@code "function_call"}), read as assistant turns
 */
public record ShareGptTags(String messagesKey, String roleTag, String contentTag, String userTag, String assistantTag,
        String systemTag, String observationTag, String functionCallTag) {

    public ShareGptTags {
        Objects.requireNonNull(messagesKey, "messagesKey");
        Objects.requireNonNull(roleTag, "roleTag");
        Objects.requireNonNull(contentTag, "contentTag");
        Objects.requireNonNull(userTag, "userTag");
        Objects.requireNonNull(assistantTag, "assistantTag");
        Objects.requireNonNull(systemTag, "systemTag");
        Objects.requireNonNull(observationTag, "observationTag");
        Objects.requireNonNull(functionCallTag, "functionCallTag");
    }

    /** The original ShareGPT names: {@code conversations}, {@code from/value}, {@code human/gpt/system}. */
    public static ShareGptTags defaults() {
        return new ShareGptTags("conversations", "from", "value", "human", "gpt", "system", "observation", "function_call");
    }

    /** The names some dumps use instead: {@code role/content} with {@code user/assistant/system}. */
    public static ShareGptTags openAiStyle() {
        return new ShareGptTags("conversations", "role", "content", "user", "assistant", "system", "tool", "function_call");
    }
}
