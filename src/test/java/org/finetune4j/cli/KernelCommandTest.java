package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KernelCommandTest {

    @TempDir
    Path tmp;

    private record Run(int rc, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new KernelCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new Run(rc, out.toString(), err.toString());
    }

    @Test
    void specIsAPortableKernelJson() throws Exception {
        Run r = run("spec", "--xmx", "3g", "--display-name", "My Java");
        assertEquals(0, r.rc(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        List<String> argv = new ArrayList<>();
        json.get("argv").forEach(a -> argv.add(a.asText()));
        assertEquals("java", argv.get(0));
        assertTrue(argv.contains("-Xmx3g"));
        assertTrue(argv.contains("-Djava.awt.headless=true"));
        assertTrue(argv.contains("-Dai.djl.offline=true"));
        int cp = argv.indexOf("-cp");
        assertEquals("{resource_dir}/rapaio-jupyter-kernel-3.0.1.jar" + File.pathSeparator + "{resource_dir}/lib/*",
                argv.get(cp + 1));
        assertEquals(List.of("org.finetune4j.kernel.KernelLauncher", "{connection_file}"), argv.subList(cp + 2, argv.size()));
        assertEquals("My Java", json.get("display_name").asText());
        assertEquals("java", json.get("language").asText());
        assertEquals("message", json.get("interrupt_mode").asText());
        assertEquals("-1", json.get("env").get("RJK_TIMEOUT_MILLIS").asText());
        // no absolute paths anywhere: the kernelspec folder may be copied anywhere by jupyter
        json.get("env").forEach(v -> assertFalse(v.asText().contains("/"), v.asText()));
    }

    @Test
    void badHeapIsAUsageError() {
        assertEquals(2, run("spec", "--xmx", "lots").rc());
    }

    @Test
    void missingJupyterExitsWithTwoAndSaysSo() {
        Run r = run("install", "--user", "--jupyter", tmp.resolve("no-such-jupyter").toString());
        assertEquals(2, r.rc());
        assertTrue(r.err().contains("not an executable"), r.err());
        assertTrue(KernelCommand.findOnPath("jupyter", tmp.toString()).isEmpty());
    }

    @Test
    void scopesAreExclusive() {
        assertEquals(2, run("install", "--user", "--sys-prefix").rc());
    }

    @Test
    void installStagesJarsAndCallsJupyterWithTheScope() throws Exception {
        // fake jars: the kernel, the extension, one runtime jar and one class folder
        Path jars = Files.createDirectories(tmp.resolve("jars"));
        jar(jars.resolve("rapaio-jupyter-kernel-3.0.1.jar"), "org/rapaio/Kernel.class");
        jar(jars.resolve("finetune4j-kernel-ext-0.1.0-SNAPSHOT.jar"), KernelCommand.DISPLAY_SPI);
        Path dep = jar(Files.createDirectories(tmp.resolve("m2")).resolve("dep-1.0.jar"), "dep/A.class");
        Path classes = Files.createDirectories(tmp.resolve("proj/target/classes/org/x"));
        Files.writeString(classes.resolve("B.class"), "b");
        Path classesRoot = tmp.resolve("proj/target/classes");

        // a fake jupyter that records its arguments and copies the staged folder like kernelspec install does
        Path log = tmp.resolve("args.txt");
        Path copy = tmp.resolve("copied");
        Path fake = tmp.resolve("jupyter");
        Files.writeString(fake, "#!/bin/sh\necho \"$@\" > " + log + "\neval last=\\${$#}\ncp -r \"$last\" " + copy
                + "\necho \"[InstallKernelSpec] Installed kernelspec ft in " + copy + "\"\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path prefix = tmp.resolve("prefix");
        Run r = run("install", "--prefix", prefix.toString(), "--name", "ft", "--jars", jars.toString(),
                "--classpath", dep + File.pathSeparator + classesRoot, "--jupyter", fake.toString());
        assertEquals(0, r.rc(), r.err() + r.out());

        String args = Files.readString(log).trim();
        assertTrue(args.startsWith("kernelspec install --prefix " + prefix.toAbsolutePath() + " --replace --name ft "),
                args);
        assertTrue(Files.isRegularFile(copy.resolve("kernel.json")));
        assertTrue(Files.isRegularFile(copy.resolve("rapaio-jupyter-kernel-3.0.1.jar")));
        List<String> lib;
        try (var files = Files.list(copy.resolve("lib"))) {
            lib = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(List.of("classes-1-proj.jar", "dep-1.0.jar", "finetune4j-kernel-ext-0.1.0-SNAPSHOT.jar"), lib);
        try (JarFile packed = new JarFile(copy.resolve("lib/classes-1-proj.jar").toFile())) {
            assertTrue(packed.getEntry("org/x/B.class") != null, "class folder packed with relative names");
        }
        assertFalse(Files.exists(Path.of(args.substring(args.lastIndexOf(' ') + 1))), "staging folder removed");
        // the installed kernel.json names its own init script by absolute path
        assertEquals(copy.resolve("init.jsh").toAbsolutePath().toString(), new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(copy.resolve("kernel.json").toFile()).path("env").path("RJK_INIT_SCRIPT").asText());
        assertEquals(KernelCommand.initScript(), Files.readString(copy.resolve("init.jsh")));
    }

    /** Every pre-import names a class or a package that the library (or the JDK) really has. */
    @Test
    void everyPreImportResolves() {
        for (String i : KernelCommand.INIT_IMPORTS) {
            if (i.endsWith(".*")) {
                String dir = i.substring(0, i.length() - 2).replace('.', '/');
                assertTrue(getClass().getClassLoader().getResource(dir) != null, "package of " + i);
            } else if (!i.equals("org.finetune4j.kernel.Live")) { // lives in kernel-ext, on the kernel's class path
                assertDoesNotThrow(() -> Class.forName(i), i);
            }
        }
        assertTrue(KernelCommand.initScript().lines().allMatch(l -> l.matches("import [\\w.]+(\\.\\*)?;")),
                KernelCommand.initScript());
    }

    @Test
    void locatorPrefersJarsDirAndFindsNothingElsewhereInAnEmptyHome() throws Exception {
        Path jars = Files.createDirectories(tmp.resolve("jars"));
        jar(jars.resolve("rapaio-jupyter-kernel-3.0.1.jar"), "x");
        KernelCommand.JarLocator locator = new KernelCommand.JarLocator(jars, List.of(), tmp.resolve("home"),
                java.util.Optional.empty());
        assertTrue(locator.kernelExtJar().isEmpty());
        assertEquals(jars.resolve("rapaio-jupyter-kernel-3.0.1.jar"), locator.rapaioJar().orElseThrow());
    }

    private static Path jar(Path file, String entry) throws Exception {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file))) {
            out.putNextEntry(new ZipEntry(entry));
            out.write(1);
            out.closeEntry();
        }
        return file;
    }
}
