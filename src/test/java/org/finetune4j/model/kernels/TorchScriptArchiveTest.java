package org.finetune4j.model.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptArchiveTest {

    @Test
    void writesTheFourRecordsUnderOneFolderUncompressed(@TempDir Path dir) throws IOException {
        TorchScriptArchive a = FusedKernel.SWIGLU.archive();
        Path file = dir.resolve("swi.pt");
        a.write(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> names = new ArrayList<>();
            zip.stream().forEach(e -> {
                names.add(e.getName());
                assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
            });
            assertEquals(List.of("swi/data.pkl", "swi/code/__torch__.py", "swi/constants.pkl", "swi/version"), names);
            String code = new String(zip.getInputStream(zip.getEntry("swi/code/__torch__.py")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(code.startsWith("class SwiGlu(Module):\n"), code);
            assertTrue(code.contains("  def forward(self: __torch__.SwiGlu,\n    gate: Tensor,\n"), code);
            assertTrue(code.contains("\n    return torch.mul(torch.silu(gate), up)\n"), code);
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temp file left behind");
        }
    }

    @Test
    void dataPickleFollowsProtocol2Opcodes() {
        // PROTO 2, GLOBAL "__torch__\nM\n", EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, BINUNICODE(8) "training",
        // NEWFALSE, SETITEM, BUILD, STOP: opcodes from Python's pickletools table
        byte[] expected = new byte[] {(byte) 0x80, 2, 'c', '_', '_', 't', 'o', 'r', 'c', 'h', '_', '_', '\n', 'M', '\n',
                ')', (byte) 0x81, '}', 'X', 8, 0, 0, 0, 't', 'r', 'a', 'i', 'n', 'i', 'n', 'g', (byte) 0x89, 's', 'b',
                '.'};
        assertArrayEquals(expected, new TorchScriptArchive("M", "").dataPickle());
    }

    @Test
    void rejectsAClassNameThatIsNoIdentifier() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TorchScriptArchive("bad name", ""));
        assertTrue(e.getMessage().contains("'bad name'"), e.getMessage());
    }
}
