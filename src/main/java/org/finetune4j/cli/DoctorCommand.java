package org.finetune4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.finetune4j.runtime.DeviceCheck;
import org.finetune4j.runtime.DevicePolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finetune4j doctor}: runs {@link DeviceCheck} on the device and dtype the library would use
 * ({@link DevicePolicy#fromEnvironment()}, so {@code FINETUNE4J_DEVICE=cpu} forces the CPU) and prints a Markdown
 * table. Exit code 0 when every check passed, 1 when one failed.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check on this machine's device (CUDA when DJL finds a GPU, else CPU) that forward, KV cache,",
            "training of every technique, merging, NF4 and generation agree with the CPU float32 reference.",
            "Exit code 0 when every check passes, 1 when one fails."})
public final class DoctorCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON to FILE")
    Path json;

    @Override
    public Integer call() throws IOException {
        DevicePolicy policy = DevicePolicy.fromEnvironment();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "finetune4j doctor: %s, compute type %s%n%n", policy.device(), policy.computeType());
        out.flush();
        long t0 = System.nanoTime();
        List<DeviceCheck.Result> results = DeviceCheck.run(policy);
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.print(DeviceCheck.markdown(results));
        long failed = results.stream().filter(r -> !r.passed()).count();
        out.printf(Locale.ROOT, "%n%d of %d checks passed in %.1f s%s%n", results.size() - failed, results.size(),
                seconds, failed == 0 ? "" : "; " + failed + " FAILED");
        out.flush();
        if (json != null) {
            writeJson(policy, results, seconds);
        }
        return failed == 0 ? 0 : Main.RUN_FAILURE;
    }

    private void writeJson(DevicePolicy policy, List<DeviceCheck.Result> results, double seconds) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("device", policy.device().toString());
        root.put("computeType", policy.computeType().toString());
        root.put("passed", DeviceCheck.allPassed(results));
        root.put("seconds", seconds);
        ArrayNode checks = root.putArray("checks");
        for (DeviceCheck.Result r : results) {
            checks.addObject().put("name", r.name()).put("passed", r.passed()).put("figure", r.figure())
                    .put("detail", r.detail());
        }
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        JSON.writeValue(json.toFile(), root);
    }
}
