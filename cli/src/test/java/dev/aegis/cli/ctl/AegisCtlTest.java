package dev.aegis.cli.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.cli.Version;
import org.junit.jupiter.api.Test;

class AegisCtlTest {
  private static final String NL = System.lineSeparator();

  @Test
  void everyCommandHasHelpWithExamples() {
    for (String[] args :
        new String[][] {
          {"--help"},
          {"verify", "--help"},
          {"export", "--help"},
          {"sessions", "--help"},
          {"completion", "--help"},
          {"help", "verify"}
        }) {
      Ctl.Run run = Ctl.run(args);
      assertThat(run.exit()).as(String.join(" ", args)).isZero();
      assertThat(run.out()).contains("Usage: aegisctl", "Examples:", "  aegisctl ");
    }
    assertThat(Ctl.run("verify", "--help").out()).contains("Exit codes:", "--file=F", "--json");
  }

  @Test
  void versionIsTheBuildVersion() {
    Ctl.Run run = Ctl.run("--version");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("aegisctl " + Version.get() + NL);
  }

  @Test
  void missingCommandIsAUsageError() {
    Ctl.Run run = Ctl.run();
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "aegisctl: missing command (one of: verify, export, checkpoint, redact, shred, sessions,"
                + " pins, policy, manifest, approvals, approve, replay, conformance, completion)"
                + NL
                + "Try 'aegisctl --help' for more information."
                + NL);
  }

  @Test
  void unknownOptionIsAOneLineUsageError() {
    Ctl.Run run = Ctl.run("verify", "--sesion", "s1");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith("aegisctl: Unknown options: '--sesion', 's1'")
        .contains("--session")
        .endsWith("Try 'aegisctl verify --help' for more information." + NL)
        .doesNotContain("Usage:");
  }

  @Test
  void unknownCommandSuggestsTheNearestOne() {
    Ctl.Run run = Ctl.run("verfy");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("verify").contains("Try 'aegisctl --help'");
  }

  @Test
  void completionPrintsABashScript() {
    Ctl.Run run = Ctl.run("completion");
    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_aegisctl")
        .contains("verify", "export", "sessions", "--store", "--session", "--file");
  }
}
