package dev.aegis.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.cli.conformance.Pack;
import dev.aegis.cli.conformance.PackCase;
import dev.aegis.cli.conformance.PackLibrary;
import dev.aegis.core.json.Json;
import dev.aegis.policy.grpc.OpaSidecar;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code aegisctl conformance run} as a real process: every shipped pack passes embedded on the
 * in-process Wasm engine, against a running bin/aegisd and on the real OPA sidecar; a policy built
 * with the real {@code opa build -t wasm} from a copy of policies/aegis without the taint rule
 * fails exactly the cases that expect TAINTED_TO_HIGH_RISK; reports parse as what they claim.
 */
class ConformanceIT {
  @TempDir Path dir;

  private record Ctl(int code, String out, String err) {
    JsonNode json() throws IOException {
      return Json.parse(out.getBytes(StandardCharsets.UTF_8));
    }
  }

  private Ctl ctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProxyProcess.bin("aegisctl").toString());
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    return new Ctl(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static List<Pack> shipped() throws IOException {
    return new PackLibrary(ProxyProcess.ROOT).all();
  }

  private static long caseCount(List<Pack> packs) {
    return packs.stream().mapToLong(p -> p.cases().size()).sum();
  }

  @Test
  void everyShippedPackPassesEmbeddedOnWasmWithAJsonAndAJunitReport() throws Exception {
    List<Pack> packs = shipped();
    assertThat(packs)
        .extracting(Pack::name)
        .contains(
            "seed-baseline-safety",
            "seed-prompt-injection",
            "seed-path-traversal",
            "seed-telemetry-no-egress",
            "seed-replay-determinism",
            "seed-handoff-correctness",
            "egress",
            "exec",
            "approval",
            "pinning",
            "session-budgets",
            "session-loops",
            "session-taint",
            "session-approvals",
            "session-pinning");
    Ctl json = ctl("conformance", "run", "--all", "--embedded", "--report", "json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode doc = json.json();
    assertThat(doc.path("compliant").asBoolean()).isTrue();
    assertThat(doc.at("/totals/tests").asLong()).isEqualTo(caseCount(packs));
    assertThat(doc.at("/totals/passed").asLong()).isEqualTo(caseCount(packs));
    List<String> names = new ArrayList<>();
    doc.path("packs").forEach(p -> names.add(p.path("name").asText()));
    assertThat(names).isEqualTo(packs.stream().map(Pack::name).toList());
    assertThat(json.err()).contains("conformance: " + caseCount(packs) + "/" + caseCount(packs));

    Path xml = dir.resolve("report.xml");
    Ctl junit = ctl("conformance", "run", "--all", "--report", "junit", "--out", xml.toString());
    assertThat(junit.code()).as(junit.err()).isZero();
    Document d =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(Files.readAllBytes(xml)));
    assertThat(d.getDocumentElement().getTagName()).isEqualTo("testsuites");
    assertThat(d.getElementsByTagName("testsuite").getLength()).isEqualTo(packs.size());
    assertThat((long) d.getElementsByTagName("testcase").getLength()).isEqualTo(caseCount(packs));
    assertThat(d.getElementsByTagName("failure").getLength()).isZero();
    assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("0");
  }

  @Test
  void aNamedSeedPackRunsWithAMarkdownReportAndItsBadge() throws Exception {
    Ctl md = ctl("conformance", "run", "--pack", "baseline-safety", "--report", "markdown");
    assertThat(md.code()).as(md.err()).isZero();
    assertThat(md.out())
        .contains(
            "![conformance: 6/6 passed](https://img.shields.io/badge/conformance-6%2F6%20passed-brightgreen)")
        .contains("| seed-baseline-safety | 1.0 | 6 | 0 | 0 | 0 |");
    Ctl list = ctl("conformance", "list");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("session-taint").contains("seed-path-traversal");
  }

  @Test
  void everyShippedPackPassesAgainstARunningAegisd() throws Exception {
    List<Pack> packs = shipped();
    Set<String> manifests = new HashSet<>();
    for (Pack p : packs) {
      if (p.sessionManifest() != null) {
        manifests.add(p.sessionManifest().toString());
      }
    }
    assertThat(manifests).as("every multi-step pack runs under one session manifest").hasSize(1);
    Path manifest = dir.resolve("session-manifest.json");
    Files.writeString(manifest, manifests.iterator().next());
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "# the conformance run's token\nconformance-token-0123456789\n");
    ProcessBuilder pb =
        new ProcessBuilder(
                ProxyProcess.bin("aegisd").toString(),
                "--listen",
                "127.0.0.1:0",
                "--store",
                "sqlite:" + dir.resolve("chain.db"),
                "--manifest",
                manifest.toString())
            .redirectErrorStream(true);
    pb.environment().put("AEGIS_API_TOKENS", "conformance-token-0123456789");
    Process aegisd = pb.start();
    try {
      String base = ListenLine.await(aegisd, new StringBuffer());
      Ctl unauthorized = ctl("conformance", "run", "--pack", "egress", "--target", base);
      assertThat(unauthorized.code()).as("without the token every case is an error").isEqualTo(2);
      assertThat(unauthorized.out()).contains("answered 401");
      Ctl run =
          ctl(
              "conformance",
              "run",
              "--all",
              "--target",
              base,
              "--token-file",
              tokenFile.toString(),
              "--report",
              "json");
      assertThat(run.code()).as(run.err()).isZero();
      JsonNode doc = run.json();
      assertThat(doc.at("/totals/failed").asLong()).isZero();
      assertThat(doc.at("/totals/errors").asLong()).isZero();
      // Only decision cases the API cannot take are skipped, each saying why; no multi-step one.
      long multiStep = 0;
      for (JsonNode p : doc.path("packs")) {
        for (JsonNode t : p.path("tests")) {
          if (t.path("kind").asText().equals("multi-step")) {
            multiStep++;
            assertThat(t.path("status").asText()).as(t.path("id").asText()).isEqualTo("passed");
          }
          if (t.path("status").asText().equals("skipped")) {
            assertThat(t.path("detail").asText())
                .matches(
                    "the API takes only an object (event|snapshot)|without an object manifest.*");
          }
        }
      }
      assertThat(multiStep)
          .isEqualTo(
              packs.stream().flatMap(p -> p.cases().stream()).filter(PackCase::stateful).count());
      assertThat(doc.at("/totals/skipped").asLong()).isLessThan(10);
    } finally {
      aegisd.destroy();
      aegisd.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(
            ctl("conformance", "run", "--pack", "egress", "--target", "http://127.0.0.1:1").code())
        .as("an unreachable target is an error")
        .isEqualTo(2);
  }

  @Test
  void everyShippedPackPassesOnTheOpaSidecar() throws Exception {
    try (OpaSidecar sidecar =
        OpaSidecar.start(
            dir.resolve("opa"),
            List.of(
                ProxyProcess.ROOT.resolve("policies/aegis"),
                ProxyProcess.ROOT.resolve("policies/envoy")))) {
      Ctl run =
          ctl(
              "conformance",
              "run",
              "--all",
              "--engine",
              "opa-grpc",
              "--opa-addr",
              sidecar.target(),
              "--report",
              "json");
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.json().at("/totals/passed").asLong()).isEqualTo(caseCount(shipped()));
    }
  }

  @Test
  void aPolicyWithoutTheTaintRuleFailsExactlyTheTaintCases() throws Exception {
    Path copy = dir.resolve("aegis");
    copyTree(ProxyProcess.ROOT.resolve("policies/aegis"), copy);
    Path decide = copy.resolve("decide.rego");
    String rego = Files.readString(decide);
    String rule = "} else := deny_with(\"TAINTED_TO_HIGH_RISK\") if {\n\tnot taint_ok\n";
    assertThat(rego).contains(rule);
    Files.writeString(decide, rego.replace(rule, ""));
    Path wasm = buildWasm(copy);

    Ctl run =
        ctl(
            "conformance",
            "run",
            "--pack",
            "taint",
            "--pack",
            "session-taint",
            "--pack",
            "seed-prompt-injection",
            "--pack",
            "egress",
            "--policy-bundle",
            wasm.toString(),
            "--report",
            "json");
    assertThat(run.code()).as(run.err()).isEqualTo(1);
    JsonNode doc = run.json();
    assertThat(doc.path("compliant").asBoolean()).isFalse();
    Set<String> failed = new HashSet<>();
    Set<String> wantTaint = new HashSet<>();
    for (JsonNode p : doc.path("packs")) {
      for (JsonNode t : p.path("tests")) {
        if (t.path("status").asText().equals("failed")) {
          failed.add(t.path("id").asText());
        }
        if (t.at("/expected/reason").asText().equals("TAINTED_TO_HIGH_RISK")) {
          wantTaint.add(t.path("id").asText());
        }
      }
    }
    assertThat(wantTaint).contains("STAINT-001", "STAINT-003", "TAINT-001");
    assertThat(failed).isEqualTo(wantTaint);
    assertThat(run.err()).contains("NOT compliant");
  }

  /** policy.wasm of {@code opa build -t wasm} over a bundle directory, with the real OPA. */
  private Path buildWasm(Path bundle) throws Exception {
    Path tar = dir.resolve("bundle.tar.gz");
    run(
        dir,
        opa(),
        "build",
        "-t",
        "wasm",
        "-e",
        "aegis/decide/decision",
        "--ignore",
        "*_test.rego",
        bundle.getFileName().toString(),
        "-o",
        tar.toString());
    Path out = dir.resolve("wasm");
    Files.createDirectories(out);
    run(out, "tar", "-xzf", tar.toString(), "/policy.wasm");
    Path wasm = out.resolve("policy.wasm");
    assertThat(wasm).isRegularFile();
    return wasm;
  }

  private static String opa() {
    Path pinned = Path.of("/root/go/bin/opa");
    return Files.isExecutable(pinned) ? pinned.toString() : "opa";
  }

  private static void run(Path cwd, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + log).isZero();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }
}
