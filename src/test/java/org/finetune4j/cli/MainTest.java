package org.finetune4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.finetune4j.model.kernels.MatmulPrecision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MainTest {
    @AfterEach
    void backToFloat32() {
        System.clearProperty(MatmulPrecision.PROPERTY);
    }

    @Test
    void matmulOptionSelectsThePrecisionForTheWholeRun() {
        CliFixtures.Run run = CliFixtures.run("--matmul", "BF16", "--version");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(MatmulPrecision.BF16, MatmulPrecision.current());
        CliFixtures.run("--matmul", "fp32", "--version");
        assertEquals(MatmulPrecision.FP32, MatmulPrecision.current());
        CliFixtures.Run bad = CliFixtures.run("--matmul", "fp16", "--version");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("'fp16' is not fp32 or bf16"), bad.err());
    }
}
