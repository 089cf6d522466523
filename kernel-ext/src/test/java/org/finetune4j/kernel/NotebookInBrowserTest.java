package org.finetune4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.finetune4j.notebook.Guide;
import org.finetune4j.notebook.NotebookBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The quickstart as a reader sees it: a real {@code jupyter notebook} server (the classic Notebook Debian ships)
 * on 127.0.0.1 with a random port and token, the Java (finetune4j) kernel, and headless Chromium driving the page.
 * It runs every cell through the page's own JavaScript API, waits until the kernel is idle with every code cell
 * numbered, and checks that the loss chart {@code <img>} and the evaluation {@code <table>} are displayed and that
 * no cell shows an error. The screenshot {@code target/screenshots/00-quickstart.png} is CI's artefact.
 *
 * <p>The notebook copy lives under {@code target/} of this checkout, so {@link Guide#projectRoot()} still finds
 * the bundled model and data; adapters go to a temporary {@code FINETUNE4J_RUNS_DIR}. Skipped with a message when
 * Jupyter, Chromium or ChromeDriver is missing, a failure instead when {@code CI=true}.
 */
class NotebookInBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/lib/chromium/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String NOTEBOOK = "00-quickstart.ipynb";
    static final Path SCREENSHOT = Path.of("target", "screenshots", "00-quickstart.png");
    private static final Duration RUN_ALL = Duration.ofMinutes(15);
    private static final int KERNEL_STARTS = 3;

    @TempDir
    Path tmp;

    @Test
    void quickstartRunsInTheNotebookPageAndShowsChartAndTable() throws Exception {
        Jupyter.requireJupyter();
        Jupyter.require(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), CHROMIUM + " or "
                + CHROMEDRIVER + " not found: install chromium chromium-driver (apt) to run the browser test");
        Path jupyterPath = Jupyter.installKernel(tmp, "2g");
        Path dir = Path.of("target", "browser-notebook").toAbsolutePath();
        deleteTree(dir);
        Files.createDirectories(dir);
        Files.copy(NotebooksExecuteTest.NOTEBOOKS.resolve(NOTEBOOK), dir.resolve(NOTEBOOK),
                StandardCopyOption.REPLACE_EXISTING);

        int port = freePort();
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        String base = "http://127.0.0.1:" + port;
        Path log = tmp.resolve("notebook-server.log");
        ProcessBuilder pb = new ProcessBuilder(Jupyter.JUPYTER.toString(), "notebook", "--no-browser", "--allow-root",
                "--ip=127.0.0.1", "--port=" + port, "--port-retries=0", "--NotebookApp.token=" + token,
                "--notebook-dir=" + dir).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JUPYTER_PATH", jupyterPath.toString());
        pb.environment().put("JUPYTER_RUNTIME_DIR", tmp.resolve("runtime").toString());
        pb.environment().put("JUPYTER_CONFIG_DIR", tmp.resolve("config").toString());
        pb.environment().put(NotebookBudget.FAST, "1");
        pb.environment().put(Guide.RUNS_DIR, tmp.resolve("runs").toString());
        Process server = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            awaitServer(http, base, token, server, log);
            runInBrowser(base + "/notebooks/" + NOTEBOOK + "?token=" + token, log);
        } finally {
            stop(http, base, token, server);
        }
    }

    private void runInBrowser(String url, Path serverLog) throws IOException {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,3000");
        ChromeDriver driver = new ChromeDriver(service, options);
        boolean shot = false;
        try {
            driver.get(url);
            awaitKernelAnswering(driver, serverLog);
            js(driver, "Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells();");
            try {
                new WebDriverWait(driver, RUN_ALL, Duration.ofSeconds(2)).until(d -> Boolean.TRUE.equals(js(d,
                        "return document.querySelectorAll('.output_error').length > 0 || ("
                                + "Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code')"
                                + ".every(c => typeof c.input_prompt_number === 'number')"
                                + " && document.querySelector('#kernel_indicator_icon')"
                                + ".classList.contains('kernel_idle_icon'));")));
            } catch (TimeoutException e) {
                throw new AssertionError("run-all did not finish in " + RUN_ALL + "; server log:\n"
                        + Jupyter.tail(Files.readString(serverLog)), e);
            }
            List<WebElement> errors = driver.findElements(By.cssSelector(".output_error"));
            WebElement plot = driver.findElements(By.cssSelector(".output_area img")).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("no image output in the page"));
            // the loss chart at the top of the window: the before/after table follows it
            js(driver, "arguments[0].scrollIntoView(true);", plot);
            screenshot(driver);
            shot = true;

            assertEquals(List.of(), errors.stream().map(WebElement::getText).toList(), "cells showing an error");
            assertTrue(plot.isDisplayed(), "loss chart displayed");
            Number width = (Number) js(driver, "return arguments[0].naturalWidth;", plot);
            assertTrue(width.intValue() >= 400, "the chart image decoded, natural width " + width);
            List<WebElement> tables = driver.findElements(By.cssSelector(".output_area table.tablesaw"));
            WebElement evaluation = tables.stream().filter(t -> t.getText().contains("valid_json_rate")
                    && t.getText().contains("LoRA")).findFirst()
                    .orElseThrow(() -> new AssertionError("no before/after evaluation table among " + tables.size()
                            + " tables"));
            assertTrue(evaluation.isDisplayed(), "evaluation table displayed");
            assertTrue(driver.findElement(By.cssSelector(".finetune4j-progress")).getText().contains("(100%)"),
                    "live progress reached its last step");
        } finally {
            if (!shot) {
                screenshot(driver);
            }
            driver.quit();
        }
    }

    /**
     * Waits until the page's kernel answers a {@code kernel_info} request; a kernel that hangs at start (the
     * rapaio race) is restarted from the page, as a reader would, up to {@value #KERNEL_STARTS} times.
     */
    private static void awaitKernelAnswering(ChromeDriver driver, Path serverLog) throws IOException {
        WebDriverWait connected = new WebDriverWait(driver, Duration.ofSeconds(90), Duration.ofMillis(500));
        for (int start = 1; start <= KERNEL_STARTS; start++) {
            try {
                connected.until(d -> Boolean.TRUE.equals(js(d, "return typeof Jupyter !== 'undefined'"
                        + " && !!Jupyter.notebook && !!Jupyter.notebook.kernel"
                        + " && Jupyter.notebook.kernel.is_connected();")));
                js(driver, "window.__f4jInfo = false;"
                        + " Jupyter.notebook.kernel.kernel_info(function () { window.__f4jInfo = true; });");
                new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(250))
                        .until(d -> Boolean.TRUE.equals(js(d, "return window.__f4jInfo;")));
                return;
            } catch (TimeoutException e) {
                System.err.println("kernel start " + start + " did not answer kernel_info; restarting it");
                js(driver, "Jupyter.notebook.kernel.restart();");
            }
        }
        throw new AssertionError("the kernel never answered after " + KERNEL_STARTS + " starts; server log:\n"
                + Jupyter.tail(Files.readString(serverLog)));
    }

    private static Object js(org.openqa.selenium.WebDriver driver, String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private static void screenshot(ChromeDriver driver) throws IOException {
        Files.createDirectories(SCREENSHOT.getParent());
        Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + SCREENSHOT.toAbsolutePath());
    }

    private static void awaitServer(HttpClient http, String base, String token, Process server, Path log)
            throws Exception {
        HttpRequest status = HttpRequest.newBuilder(URI.create(base + "/api/status?token=" + token))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("jupyter notebook exited with " + server.exitValue() + ":\n"
                        + Jupyter.tail(Files.readString(log)));
            }
            try {
                if (http.send(status, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("jupyter notebook did not answer in 60 s:\n" + Jupyter.tail(Files.readString(log)));
    }

    /** Asks the server to shut down (it stops its kernels too); kills what is left after 20 s. */
    private static void stop(HttpClient http, String base, String token, Process server) throws Exception {
        try {
            http.send(HttpRequest.newBuilder(URI.create(base + "/api/shutdown?token=" + token))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException ignored) {
            // already gone
        }
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.delete(p);
            }
        }
    }
}
