package org.finetune4j.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import jinjava.javax.el.CompositeELResolver;
import org.finetune4j.chat.ChatMessage;

/**
 * A Hugging Face chat template (the Jinja {@code chat_template} of {@code tokenizer_config.json}),
 * rendered with Jinjava so that the output equals what {@code transformers}' {@code
 * apply_chat_template(..., tokenize=False)} produces with Python Jinja2.
 *
 * <p>What is done to get there, mirroring HF's {@code _compile_jinja_template}:
 *
 * <ul>
 *   <li>{@code trim_blocks=True}, {@code lstrip_blocks=True}, and Jinja2's default
 *       {@code keep_trailing_newline=False}: one trailing newline of the template source is dropped
 *       before rendering (Jinja2's lexer does the same);
 *   <li>{@code raise_exception(msg)} fails the render with a {@link ChatTemplateException} carrying
 *       {@code msg}; {@code strftime_now(fmt)} formats this template's clock with Python strftime
 *       directives, and is "defined" for {@code strftime_now is defined} tests;
 *   <li>{@code tojson} is Python's {@code json.dumps(x, ensure_ascii=False, indent=...)}, {@code trim}
 *       is Python's {@code str.strip()};
 *   <li>Python string methods ({@code .strip()}, {@code .startswith()}, {@code .split()}, ...) work on
 *       strings (see {@link PythonStringMethods}); {@code namespace()}, slicing, {@code .items()},
 *       {@code is string/mapping/defined/none} and loop variables are Jinjava built-ins.
 * </ul>
 *
 * <p>Known gaps, none of which the stock Llama, Qwen, Mistral, SmolLM and Gemma templates hit:
 * Jinja2 prints Python booleans and None as {@code True}/{@code False}/{@code None} while Jinjava
 * prints {@code true}/{@code false}/empty; Jinja2 treats an <em>undefined</em> variable as not
 * {@code none} ({@code x is none} is false) while Jinjava treats it as null; and the filtered loop
 * {@code {% for x in xs if cond %}} ignores its condition in Jinjava.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ChatTemplate {
    private static final Jinjava JINJAVA = createEngine();

    private final String source;
    private final String preparedSource;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;

    /** A template with no BOS/EOS variables and the system clock for {@code strftime_now}. */
    public ChatTemplate(String source) {
        this(source, null, null, Clock.systemDefaultZone());
    }

    /**
     * @param source   the Jinja source
     * @param bosToken value of {@code bos_token}, or null to leave it undefined
     * @param eosToken value of {@code eos_token}, or null to leave it undefined
     * @param clock    the clock {@code strftime_now} reads
     */
    public ChatTemplate(String source, String bosToken, String eosToken, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.preparedSource = NotPrecedenceRewriter.rewrite(prepare(source));
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** This template with other special tokens. */
    public ChatTemplate withSpecialTokens(String bosToken, String eosToken) {
        return new ChatTemplate(source, bosToken, eosToken, clock);
    }

    /** This template reading {@code clock} for {@code strftime_now} (for reproducible dates). */
    public ChatTemplate withClock(Clock clock) {
        return new ChatTemplate(source, bosToken, eosToken, clock);
    }

    public String source() {
        return source;
    }

    /** Renders {@code messages} with no extra variables. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders {@code messages}.
     *
     * @param extraVariables further template variables ({@code tools}, {@code date_string}, ...); they
     *     override the standard ones of the same name
     * @throws ChatTemplateException when the template raises or cannot be evaluated
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> extraVariables) {
        Objects.requireNonNull(messages, "messages");
        Map<String, Object> context = new HashMap<>();
        List<Map<String, Object>> wire = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role().wireName());
            map.put("content", m.content());
            wire.add(map);
        }
        context.put("messages", wire);
        context.put("add_generation_prompt", addGenerationPrompt);
        if (bosToken != null) {
            context.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            context.put("eos_token", eosToken);
        }
        // Lets "strftime_now is defined" / "raise_exception is defined" see the functions, as in Python.
        context.put("strftime_now", "<function strftime_now>");
        context.put("raise_exception", "<function raise_exception>");
        context.putAll(extraVariables);

        RenderResult result;
        String raised;
        TemplateGlobals.begin(clock);
        try {
            result = JINJAVA.renderForResult(preparedSource, context);
        } finally {
            raised = TemplateGlobals.end();
        }
        if (raised != null) {
            throw new ChatTemplateException(raised);
        }
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .collect(Collectors.toList());
        if (!fatal.isEmpty()) {
            throw new ChatTemplateException("chat template failed: " + fatal.stream()
                    .map(e -> "line " + e.getLineno() + ": " + e.getMessage())
                    .collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }

    /** Jinja2 reads "\r\n" and "\r" as "\n" and drops a single trailing newline of the source. */
    static String prepare(String source) {
        String s = source.replace("\r\n", "\n").replace('\r', '\n');
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static Jinjava createEngine() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        LegacyOverrides python = LegacyOverrides.newBuilder()
                .withUsePyishObjectMapper(true)
                .withKeepNullableLoopValues(true)
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withAllowAdjacentTextNodes(true)
                .withUseTrimmingForNotesAndExpressions(true)
                .withEvaluateMapKeys(true)
                .build();
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withFailOnUnknownTokens(false)
                .withElResolver(resolver)
                .withLegacyOverrides(python)
                .build();
        Jinjava jinjava = new Jinjava(config);
        try {
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                    TemplateGlobals.class.getMethod("raiseException", Object.class)));
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                    TemplateGlobals.class.getMethod("strftimeNow", String.class)));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        jinjava.getGlobalContext().registerFilter(new TemplateFilters.ToJson());
        jinjava.getGlobalContext().registerFilter(new TemplateFilters.Trim());
        return jinjava;
    }
}
