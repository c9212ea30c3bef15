package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void redrawsOnlyWhenThePercentageChangesAndErasesItself() {
    StringWriter err = new StringWriter();
    try (ProgressBar bar = new ProgressBar(new PrintWriter(err), "t/s", 400)) {
      for (int i = 0; i < 400; i++) {
        bar.step();
      }
    }
    String s = err.toString();
    assertThat(s.split("verifying", -1)).hasSize(102); // drawn once per percent, 0 to 100
    assertThat(s).contains("verifying t/s [" + "#".repeat(30) + "] 100% 400/400");
    assertThat(s).endsWith("\r" + " ".repeat(59) + "\r");
  }

  @Test
  void noneDrawsNothing() {
    ProgressBar.NONE.step();
    ProgressBar.NONE.close();
  }
}
