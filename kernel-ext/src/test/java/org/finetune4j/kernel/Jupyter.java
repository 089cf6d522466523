package org.finetune4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.finetune4j.cli.KernelCommand;
import org.junit.jupiter.api.Assumptions;
import picocli.CommandLine;

/**
 * What the kernel tests need from a local Jupyter: a check that a tool is there (skip locally, fail in CI), the
 * kernelspec installed into a temporary prefix by {@code finetune4j kernel install}, and nbconvert runs that
 * survive the kernel's start-up race.
 */
final class Jupyter {

    static final Path JUPYTER = Path.of("/usr/bin/jupyter");
    /** The kernelspec name the notebooks ask for. */
    static final String KERNEL = "finetune4j";
    private static final int START_ATTEMPTS = 3;
    /**
     * Seconds nbconvert waits for kernel_info. A healthy start answers in 2 s; 30 s was not enough three times in a
     * row for one notebook of a session-13 CI run on a machine so loaded that a 10-second notebook took 47 s.
     */
    private static final int STARTUP_TIMEOUT_S = 60;

    private Jupyter() {}

    /** True when the tests run in CI ({@code CI=true}), where a missing tool is a failure, not a skip. */
    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Aborts the calling test with {@code why} (JUnit reports it as skipped, with the message) when {@code present}
     * is false; fails it instead under {@code CI=true}.
     */
    static void require(boolean present, String why) {
        if (present) {
            return;
        }
        if (inCi()) {
            fail(why + " (CI=true, so this is a failure)");
        }
        System.err.println("SKIPPED: " + why);
        Assumptions.abort(why);
    }

    /** {@link #require} for {@code /usr/bin/jupyter} and the given subcommand packages. */
    static void requireJupyter() {
        require(Files.isExecutable(JUPYTER), JUPYTER + " not found: install jupyter-client jupyter-notebook "
                + "jupyter-nbconvert python3-nbclient (apt) to run the notebook tests");
    }

    /**
     * Installs the kernelspec with {@code finetune4j kernel install --prefix}: the library's runtime class path
     * (written by the build into {@code target/runtime-classpath.txt}), this module's classes packed as the
     * extension jar and the rapaio kernel jar from the test class path.
     *
     * @return the {@code JUPYTER_PATH} entry that holds the kernelspec ({@code PREFIX/share/jupyter})
     */
    static Path installKernel(Path dir, String xmx) throws Exception {
        Path jars = Files.createDirectories(dir.resolve("jars"));
        pack(Path.of("target", "classes"), jars.resolve("finetune4j-kernel-ext-0.1.0-SNAPSHOT.jar"));
        Path rapaio = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> p.getFileName().toString().equals(KernelCommand.RAPAIO_JAR)).findFirst()
                .orElseThrow(() -> new AssertionError(KernelCommand.RAPAIO_JAR + " not on the test class path"));
        Files.copy(rapaio, jars.resolve(KernelCommand.RAPAIO_JAR));
        String runtime = Files.readString(Path.of(System.getProperty("finetune4j.runtimeClasspathFile",
                "target/runtime-classpath.txt"))).trim();
        Path prefix = dir.resolve("prefix");
        int rc = new CommandLine(new KernelCommand()).execute("install", "--prefix", prefix.toString(),
                "--jars", jars.toString(), "--classpath", runtime, "--jupyter", JUPYTER.toString(), "--xmx", xmx);
        assertEquals(0, rc, "kernel install failed");
        Path spec = prefix.resolve("share/jupyter/kernels/" + KERNEL);
        assertTrue(Files.isRegularFile(spec.resolve("kernel.json")));
        assertTrue(Files.isRegularFile(spec.resolve("lib/finetune4j-kernel-ext-0.1.0-SNAPSHOT.jar")));
        return prefix.resolve("share/jupyter");
    }

    /**
     * Executes {@code notebook} with {@code nbconvert --execute --allow-errors} into {@code outDir} (the source
     * is never rewritten). The kernel's working directory is the notebook's own folder, as in the Notebook UI.
     * A kernel that never answers at start-up (a known rapaio race, about 1 start in 15) is retried up to
     * {@value #START_ATTEMPTS} times; any other nbconvert failure (a dead kernel, a cell past {@code cellTimeout})
     * fails at once with the tail of its log. Cell errors do not fail here: the caller reads them from the output.
     *
     * @return the executed copy
     */
    static Path execute(Path notebook, Path outDir, Path jupyterPath, Map<String, String> env, Duration cellTimeout,
            Duration wholeTimeout) throws Exception {
        String name = notebook.getFileName().toString();
        Path out = outDir.resolve(name);
        List<String> attempts = new ArrayList<>();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Files.deleteIfExists(out);
            Path log = outDir.resolve(name + "-" + attempt + ".log");
            ProcessBuilder pb = new ProcessBuilder(JUPYTER.toString(), "nbconvert", "--to", "notebook", "--execute",
                    "--allow-errors", "--ExecutePreprocessor.kernel_name=" + KERNEL,
                    "--ExecutePreprocessor.timeout=" + cellTimeout.toSeconds(),
                    "--ExecutePreprocessor.startup_timeout=" + STARTUP_TIMEOUT_S, "--output-dir", outDir.toString(),
                    notebook.toString())
                    .directory(notebook.toAbsolutePath().getParent().toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
            pb.environment().putAll(env);
            Process p = pb.start();
            // output goes to a file, not a pipe: a kernel that outlives nbconvert would hold a pipe open
            boolean finished = p.waitFor(wholeTimeout.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            String text = Files.readString(log);
            if (finished && p.exitValue() == 0 && Files.isRegularFile(out)) {
                return out;
            }
            attempts.add("--- " + name + " attempt " + attempt + (finished ? " (rc " + p.exitValue() + ")"
                    : " (killed after " + wholeTimeout.toSeconds() + " s)") + ", log " + log + ":\n" + tail(text));
            boolean startupHang = text.contains("didn't respond") || text.contains("before replying to kernel_info");
            if (!finished || !startupHang) {
                break;
            }
        }
        fail("nbconvert could not execute " + notebook + ":\n" + String.join("\n", attempts));
        return null;
    }

    static String tail(String text) {
        return text.length() <= 4000 ? text : "…" + text.substring(text.length() - 4000);
    }

    private static void pack(Path folder, Path jar) throws Exception {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(folder.relativize(p).toString().replace(File.separatorChar, '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }
}
