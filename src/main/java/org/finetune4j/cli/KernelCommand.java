package org.finetune4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finetune4j kernel install|uninstall|spec}: registers the "Java (finetune4j)" Jupyter kernel — the rapaio
 * Java kernel started with this library, its runtime dependencies and the display extension on the JVM class
 * path — so notebooks render charts, tables, reports and live training progress inline.
 *
 * <p>The kernelspec is self-contained: {@code kernel.json} refers to its own folder only through
 * {@code {resource_dir}} in {@code argv}, the jars live in that folder, and no {@code env} value holds a path (Jupyter
 * does not expand {@code {resource_dir}} there). That is also why there is no init script: notebooks import what
 * they use.
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Install, remove or print the Java (finetune4j) Jupyter kernel.",
        subcommands = {KernelCommand.Install.class, KernelCommand.Uninstall.class, KernelCommand.PrintSpec.class})
public final class KernelCommand implements Callable<Integer> {

    /** Kernel artifact the kernelspec starts; the SPI of {@code kernel-ext} is compiled against this version. */
    public static final String RAPAIO_VERSION = "3.0.1";
    public static final String RAPAIO_JAR = "rapaio-jupyter-kernel-" + RAPAIO_VERSION + ".jar";
    /**
     * The kernel's main class: kernel-ext's launcher, which starts rapaio's kernel without its start-up race (an early
     * {@code kernel_info_request} killed the shell thread, and the kernel never answered).
     */
    static final String KERNEL_MAIN = "org.finetune4j.kernel.KernelLauncher";
    static final String KERNEL_EXT_PREFIX = "finetune4j-kernel-ext-";
    static final String LIBRARY_VERSION = "0.1.0-SNAPSHOT";
    static final String DISPLAY_SPI = "META-INF/services/org.rapaio.jupyter.kernel.display.spi.DisplayProvider";
    /** Exit code when Jupyter itself is missing (a usage problem, like picocli's own). */
    static final int EXIT_NO_JUPYTER = 2;
    static final int EXIT_MISSING_JARS = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** Options shared by {@code install} and {@code spec}. */
    static final class SpecOptions {
        @Option(names = "--name", defaultValue = "finetune4j", description = "Kernel name (folder). Default: ${DEFAULT-VALUE}")
        String name;

        @Option(names = "--display-name", defaultValue = "Java (finetune4j)",
                description = "Name shown in the kernel picker. Default: ${DEFAULT-VALUE}")
        String displayName;

        @Option(names = "--xmx", defaultValue = "6g", description = "Kernel JVM heap (-Xmx). Default: ${DEFAULT-VALUE}")
        String xmx;
    }

    /** File of the kernelspec folder holding the imports every session starts with. */
    static final String INIT_SCRIPT = "init.jsh";

    /**
     * What a kernel session has imported before the first cell, so ad-hoc cells can call the library's entry points
     * without an import block. Single-type imports where a wildcard would clash with {@code java.lang} or
     * {@code java.util} names ({@code Module}, {@code Optional}); the notebooks still import what they use, so they
     * also run on a stock IJava/JJava kernel. The kernel evaluates the file as one snippet: imports only.
     */
    static final List<String> INIT_IMPORTS = List.of(
            "java.nio.file.Path", "java.nio.file.Files", "java.time.LocalDate", "java.util.List", "java.util.Map",
            "org.finetune4j.chat.ChatMessage", "org.finetune4j.config.GenerationConfig",
            "org.finetune4j.config.LlamaConfig", "org.finetune4j.data.*", "org.finetune4j.eval.*",
            "org.finetune4j.export.*", "org.finetune4j.generate.*", "org.finetune4j.kernel.Live",
            "org.finetune4j.model.PretrainedModel", "org.finetune4j.model.llama.LlamaForCausalLM",
            "org.finetune4j.notebook.*", "org.finetune4j.peft.*", "org.finetune4j.rag.*", "org.finetune4j.task.*",
            "org.finetune4j.tokenizer.HfTokenizer", "org.finetune4j.train.*");

    /** The text of {@value #INIT_SCRIPT}. */
    static String initScript() {
        StringBuilder sb = new StringBuilder();
        for (String i : INIT_IMPORTS) {
            sb.append("import ").append(i).append(";\n");
        }
        return sb.toString();
    }

    /**
     * Points {@code RJK_INIT_SCRIPT} of an installed kernelspec at its own {@value #INIT_SCRIPT}: the absolute
     * folder is only known once {@code jupyter kernelspec install} has put it in place.
     */
    static void enableInitScript(Path installed) throws IOException {
        Path json = installed.resolve("kernel.json");
        ObjectNode root = (ObjectNode) JSON.readTree(json.toFile());
        ((ObjectNode) root.path("env")).put("RJK_INIT_SCRIPT", installed.resolve(INIT_SCRIPT).toAbsolutePath().toString());
        Path tmp = Files.createTempFile(installed, "kernel", ".json.tmp");
        Files.writeString(tmp, toJson(root));
        Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The folder in jupyter's "Installed kernelspec NAME in FOLDER" line, if {@code line} is that line. */
    static Optional<Path> installedFolder(String line, String name) {
        String marker = "Installed kernelspec " + name + " in ";
        int at = line.indexOf(marker);
        return at < 0 ? Optional.empty() : Optional.of(Path.of(line.substring(at + marker.length()).trim()));
    }

    /** The kernel.json written into the kernelspec folder. */
    static ObjectNode kernelJson(SpecOptions o) {
        if (!o.xmx.matches("\\d+[kKmMgG]?")) {
            throw new IllegalArgumentException("--xmx must look like 4g or 4096m, got '" + o.xmx + "'");
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode argv = root.putArray("argv");
        for (String a : List.of("java", "-Xmx" + o.xmx, "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                "{resource_dir}/" + RAPAIO_JAR + File.pathSeparator + "{resource_dir}/lib/*", KERNEL_MAIN,
                "{connection_file}")) {
            argv.add(a);
        }
        root.put("display_name", o.displayName);
        root.put("language", "java");
        root.put("interrupt_mode", "message");
        ObjectNode env = root.putObject("env");
        env.put("RJK_TIMEOUT_MILLIS", "-1");        // training cells run for minutes; a snippet timeout would not stop them
        env.put("RJK_INIT_SCRIPT", "");             // set to <installed folder>/init.jsh by install (env cannot use {resource_dir})
        env.put("RJK_CLASSPATH", "");               // everything is on the JVM class path (argv)
        env.put("RJK_COMPILER_OPTIONS", "");        // the kernel's default asks for --release 22 and preview features
        ObjectNode metadata = root.putObject("metadata");
        metadata.put("finetune4j_version", LIBRARY_VERSION);
        metadata.put("rapaio_jupyter_kernel_version", RAPAIO_VERSION);
        return root;
    }

    /** {@link #kernelJson} with a bad option reported as a picocli usage error (exit code 2). */
    static ObjectNode validated(CommandSpec spec, SpecOptions o) {
        try {
            return kernelJson(o);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    static String toJson(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- subcommands

    @Command(name = "spec", mixinStandardHelpOptions = true, description = "Print the kernel.json that install writes.")
    static final class PrintSpec implements Callable<Integer> {
        @Mixin
        SpecOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println(toJson(validated(spec, options)));
            out.flush();
            return 0;
        }
    }

    /** Where {@code jupyter kernelspec install} puts the spec; none of them means the system-wide default. */
    static final class Scope {
        @Option(names = "--user", description = "Install for the current user only.")
        boolean user;

        @Option(names = "--prefix", paramLabel = "DIR", description = "Install into DIR/share/jupyter/kernels.")
        Path prefix;

        @Option(names = "--sys-prefix", description = "Install into Python's sys.prefix (virtualenv / conda).")
        boolean sysPrefix;

        List<String> flags() {
            if (user) {
                return List.of("--user");
            }
            if (prefix != null) {
                return List.of("--prefix", prefix.toAbsolutePath().toString());
            }
            return sysPrefix ? List.of("--sys-prefix") : List.of();
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Build the kernelspec (kernel.json + jars) and register it with 'jupyter kernelspec install'.")
    static final class Install implements Callable<Integer> {
        @Mixin
        SpecOptions options;

        @ArgGroup(exclusive = true)
        Scope scope;

        @Option(names = "--jars", paramLabel = "DIR",
                description = "Folder holding " + RAPAIO_JAR + " and/or " + KERNEL_EXT_PREFIX + "*.jar; searched first.")
        Path jarsDir;

        @Option(names = "--classpath", paramLabel = "PATH",
                description = "The library's runtime class path (jars and class folders, separated by the platform "
                        + "path separator). Default: this JVM's class path (bin/finetune4j passes the right one).")
        String classpath;

        @Option(names = "--jupyter", paramLabel = "FILE", description = "The jupyter executable. Default: 'jupyter' on PATH.")
        Path jupyter;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            Optional<Path> jupyterExe = jupyter != null ? Optional.of(jupyter).filter(Files::isExecutable)
                    : findOnPath("jupyter", System.getenv("PATH"));
            if (jupyterExe.isEmpty()) {
                err.println(jupyter != null ? "error: " + jupyter + " is not an executable file."
                        : "error: 'jupyter' was not found on PATH. Install Jupyter first (e.g. 'apt-get install "
                                + "jupyter-client jupyter-notebook' or 'pip install jupyterlab'), or pass --jupyter FILE.");
                err.flush();
                return EXIT_NO_JUPYTER;
            }
            SpecOptions o = options;
            validated(spec, o); // a bad option fails before any copying
            List<Path> runtime = classpathEntries(classpath != null ? classpath : System.getProperty("java.class.path"));
            JarLocator locator = new JarLocator(jarsDir, runtime, Path.of(System.getProperty("user.home")), repoRoot());
            Optional<Path> rapaio = locator.rapaioJar();
            Optional<Path> ext = locator.kernelExtJar();
            if (rapaio.isEmpty() || ext.isEmpty()) {
                if (rapaio.isEmpty()) {
                    err.println("error: " + RAPAIO_JAR + " not found; looked in " + locator.rapaioPlaces()
                            + ". Run './mvnw -q -f kernel-ext/pom.xml package' (it downloads it) or pass --jars DIR.");
                }
                if (ext.isEmpty()) {
                    err.println("error: the display extension " + KERNEL_EXT_PREFIX + "*.jar not found; looked in "
                            + locator.kernelExtPlaces() + ". Build it with './mvnw -q -f kernel-ext/pom.xml package' "
                            + "or pass --jars DIR.");
                }
                err.flush();
                return EXIT_MISSING_JARS;
            }
            Path staging = Files.createTempDirectory("finetune4j-kernelspec");
            try {
                Path dir = staging.resolve(o.name);
                int copied = writeKernelspec(dir, o, rapaio.get(), ext.get(), runtime);
                List<String> command = new ArrayList<>(List.of(jupyterExe.get().toString(), "kernelspec", "install"));
                if (scope != null) {
                    command.addAll(scope.flags());
                }
                command.addAll(List.of("--replace", "--name", o.name, dir.toString()));
                spec.commandLine().getOut().println("kernelspec '" + o.name + "': kernel.json, " + RAPAIO_JAR + " and "
                        + copied + " jars in lib/; running: " + String.join(" ", command));
                spec.commandLine().getOut().flush();
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                Optional<Path> installed = Optional.empty();
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        spec.commandLine().getOut().println(line); // jupyter's own messages, as it printed them
                        if (installed.isEmpty()) {
                            installed = installedFolder(line, o.name);
                        }
                    }
                }
                int rc = p.waitFor();
                if (rc != 0) {
                    err.println("error: jupyter kernelspec install exited with " + rc);
                    err.flush();
                } else if (installed.isPresent() && Files.isRegularFile(installed.get().resolve("kernel.json"))) {
                    enableInitScript(installed.get());
                    spec.commandLine().getOut().println("pre-imports: " + installed.get().resolve(INIT_SCRIPT));
                } else {
                    spec.commandLine().getOut().println("note: jupyter did not say where it installed the kernel; "
                            + "sessions start without the pre-imports of " + INIT_SCRIPT);
                }
                spec.commandLine().getOut().flush();
                return rc;
            } finally {
                deleteRecursively(staging);
            }
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = "Remove the kernelspec with 'jupyter kernelspec remove'.")
    static final class Uninstall implements Callable<Integer> {
        @Option(names = "--name", defaultValue = "finetune4j", description = "Kernel name. Default: ${DEFAULT-VALUE}")
        String name;

        @Option(names = "--prefix", paramLabel = "DIR", description = "Also look in DIR/share/jupyter (an install --prefix).")
        Path prefix;

        @Option(names = "--jupyter", paramLabel = "FILE", description = "The jupyter executable. Default: 'jupyter' on PATH.")
        Path jupyter;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Optional<Path> exe = jupyter != null ? Optional.of(jupyter).filter(Files::isExecutable)
                    : findOnPath("jupyter", System.getenv("PATH"));
            if (exe.isEmpty()) {
                spec.commandLine().getErr().println("error: 'jupyter' was not found on PATH (or --jupyter is not executable).");
                spec.commandLine().getErr().flush();
                return EXIT_NO_JUPYTER;
            }
            ProcessBuilder pb = new ProcessBuilder(exe.get().toString(), "kernelspec", "remove", "-y", name).inheritIO();
            if (prefix != null) {
                String share = prefix.toAbsolutePath().resolve("share").resolve("jupyter").toString();
                String old = pb.environment().get("JUPYTER_PATH");
                pb.environment().put("JUPYTER_PATH", old == null || old.isEmpty() ? share : share + File.pathSeparator + old);
            }
            return pb.start().waitFor();
        }
    }

    // ---------------------------------------------------------------- building the kernelspec

    /**
     * Writes {@code dir/kernel.json}, {@code dir/}{@value #RAPAIO_JAR} and {@code dir/lib/*.jar} (the extension plus
     * every runtime jar; class folders are packed into jars because {@code lib/*} only matches jars).
     *
     * @return number of jars in {@code lib/}
     */
    static int writeKernelspec(Path dir, SpecOptions o, Path rapaioJar, Path kernelExtJar, List<Path> runtime)
            throws IOException {
        Path lib = dir.resolve("lib");
        Files.createDirectories(lib);
        Files.writeString(dir.resolve("kernel.json"), toJson(kernelJson(o)));
        Files.writeString(dir.resolve(INIT_SCRIPT), initScript());
        Files.copy(rapaioJar, dir.resolve(RAPAIO_JAR), StandardCopyOption.REPLACE_EXISTING);
        Map<String, Path> jars = new LinkedHashMap<>();
        jars.put(kernelExtJar.getFileName().toString(), kernelExtJar);
        int folders = 0;
        for (Path entry : runtime) {
            String file = entry.getFileName() == null ? "" : entry.getFileName().toString();
            if (Files.isRegularFile(entry) && file.endsWith(".jar")) {
                if (!file.startsWith("rapaio-jupyter-kernel-") && !file.startsWith(KERNEL_EXT_PREFIX)) {
                    jars.putIfAbsent(file, entry);
                }
            } else if (Files.isDirectory(entry)) {
                Path packed = lib.resolve("classes-" + (++folders) + "-" + folderLabel(entry) + ".jar");
                packFolder(entry, packed);
            }
        }
        for (Map.Entry<String, Path> jar : jars.entrySet()) {
            Files.copy(jar.getValue(), lib.resolve(jar.getKey()), StandardCopyOption.REPLACE_EXISTING);
        }
        return jars.size() + folders;
    }

    /** {@code /x/finetune4j/target/classes} → {@code finetune4j}; otherwise the folder's own name. */
    static String folderLabel(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        Path name = abs.getFileName();
        if (name != null && name.toString().equals("classes") && abs.getParent() != null
                && abs.getParent().getFileName() != null && abs.getParent().getFileName().toString().equals("target")
                && abs.getParent().getParent() != null && abs.getParent().getParent().getFileName() != null) {
            name = abs.getParent().getParent().getFileName();
        }
        return name == null ? "root" : name.toString().replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Packs every file under {@code folder} into {@code jar} with entry names relative to the folder. */
    static void packFolder(Path folder, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(folder)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                String name = folder.relativize(p).toString().replace(File.separatorChar, '/');
                out.putNextEntry(new JarEntry(name));
                Files.copy(p, out);
                out.closeEntry();
            }
        }
    }

    static List<Path> classpathEntries(String classpath) {
        List<Path> entries = new ArrayList<>();
        if (classpath == null) {
            return entries;
        }
        for (String e : classpath.split(File.pathSeparator)) {
            if (!e.isBlank() && Files.exists(Path.of(e))) {
                entries.add(Path.of(e).toAbsolutePath().normalize());
            }
        }
        return entries;
    }

    static Optional<Path> findOnPath(String program, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The source checkout this class runs from ({@code <root>/target/classes}), if it does. */
    static Optional<Path> repoRoot() {
        try {
            Path location = Path.of(KernelCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location) && location.getFileName().toString().equals("classes")
                    && location.getParent() != null && location.getParent().getParent() != null) {
                return Optional.of(location.getParent().getParent());
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // not from a checkout: fall back to the other places
        }
        return Optional.empty();
    }

    /** Finds the kernel jar and the display-extension jar, in a fixed search order that error messages list. */
    static final class JarLocator {
        private final Path jarsDir;
        private final List<Path> runtime;
        private final Path m2;
        private final Optional<Path> repoRoot;

        JarLocator(Path jarsDir, List<Path> runtime, Path home, Optional<Path> repoRoot) {
            this.jarsDir = jarsDir;
            this.runtime = runtime;
            this.m2 = home.resolve(".m2").resolve("repository");
            this.repoRoot = repoRoot;
        }

        List<Path> rapaioPlaces() {
            List<Path> places = new ArrayList<>();
            if (jarsDir != null) {
                places.add(jarsDir);
            }
            places.add(Path.of("(class path)"));
            places.add(m2.resolve("io/github/padreati/rapaio-jupyter-kernel").resolve(RAPAIO_VERSION));
            return places;
        }

        Optional<Path> rapaioJar() {
            if (jarsDir != null && Files.isRegularFile(jarsDir.resolve(RAPAIO_JAR))) {
                return Optional.of(jarsDir.resolve(RAPAIO_JAR));
            }
            Optional<Path> onClasspath = runtime.stream()
                    .filter(p -> p.getFileName() != null && p.getFileName().toString().equals(RAPAIO_JAR)).findFirst();
            if (onClasspath.isPresent()) {
                return onClasspath;
            }
            Path inM2 = rapaioPlaces().get(rapaioPlaces().size() - 1).resolve(RAPAIO_JAR);
            return Files.isRegularFile(inM2) ? Optional.of(inM2) : Optional.empty();
        }

        List<Path> kernelExtPlaces() {
            List<Path> places = new ArrayList<>();
            if (jarsDir != null) {
                places.add(jarsDir);
            }
            places.add(Path.of("(class path)"));
            repoRoot.ifPresent(r -> places.add(r.resolve("kernel-ext").resolve("target")));
            places.add(m2.resolve("org/finetune4j/finetune4j-kernel-ext").resolve(LIBRARY_VERSION));
            return places;
        }

        Optional<Path> kernelExtJar() throws IOException {
            for (Path place : kernelExtPlaces()) {
                if (place.toString().equals("(class path)")) {
                    Optional<Path> found = runtime.stream().filter(JarLocator::isKernelExtJar).findFirst();
                    if (found.isPresent()) {
                        return found;
                    }
                } else if (Files.isDirectory(place)) {
                    try (Stream<Path> files = Files.list(place)) {
                        Optional<Path> found = files.filter(JarLocator::isKernelExtJar).sorted().findFirst();
                        if (found.isPresent()) {
                            return found;
                        }
                    }
                }
            }
            return Optional.empty();
        }

        private static boolean isKernelExtJar(Path p) {
            String name = p.getFileName() == null ? "" : p.getFileName().toString();
            return Files.isRegularFile(p) && name.startsWith(KERNEL_EXT_PREFIX) && name.endsWith(".jar")
                    && !name.endsWith("-sources.jar") && !name.endsWith("-tests.jar") && !name.endsWith("-javadoc.jar");
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Runs {@code kernel ...} on its own (the {@code finetune4j} command adds it as a subcommand). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new KernelCommand()).execute(args));
    }
}
