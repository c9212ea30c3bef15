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
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code aegisctl conformance run} as a real process: every shipped pack passes embedded on the
 * in-process Wasm engine and on the real OPA sidecar (the MCP packs each through real
 * bin/aegis-proxy processes in front of their real servers, on the same engine), and against a
 * running bin/aegisd (MCP packs skipped there); a policy built with the real {@code opa build -t
 * wasm} from a copy of policies/aegis without the taint rule fails exactly the cases that expect
 * TAINTED_TO_HIGH_RISK, MCP cases included, and an MCP pack under a too-wide manifest fails exactly
 * the cases the manifest was there for; reports parse as what they claim.
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
    assertThat(p.waitFor(900, TimeUnit.SECONDS)).isTrue();
    return new Ctl(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static List<Pack> shipped() throws IOException {
    return new PackLibrary(ProxyProcess.ROOT).all();
  }

  private static long caseCount(List<Pack> packs) {
    return packs.stream().mapToLong(p -> p.cases().size()).sum();
  }

  private static long mcpCaseCount(List<Pack> packs) {
    return packs.stream().flatMap(p -> p.cases().stream()).filter(PackCase::mcp).count();
  }

  /** How many cases of kind mcp a JSON report shows passed. */
  private static long mcpPassed(JsonNode report) {
    long n = 0;
    for (JsonNode p : report.path("packs")) {
      for (JsonNode t : p.path("tests")) {
        if (t.path("kind").asText().equals("mcp") && t.path("status").asText().equals("passed")) {
          n++;
        }
      }
    }
    return n;
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
            "session-pinning",
            "mcp-filesystem",
            "mcp-everything",
            "mcp-exec",
            "mcp-egress",
            "mcp-taint-flow");
    Ctl json = ctl("conformance", "run", "--all", "--embedded", "--report", "json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode doc = json.json();
    assertThat(doc.path("compliant").asBoolean()).isTrue();
    assertThat(doc.at("/totals/tests").asLong()).isEqualTo(caseCount(packs));
    assertThat(doc.at("/totals/passed").asLong()).isEqualTo(caseCount(packs));
    assertThat(mcpPassed(doc)).isEqualTo(mcpCaseCount(packs)).isGreaterThan(20);
    List<String> names = new ArrayList<>();
    doc.path("packs").forEach(p -> names.add(p.path("name").asText()));
    assertThat(names).isEqualTo(packs.stream().map(Pack::name).toList());
    assertThat(json.err()).contains("conformance: " + caseCount(packs) + "/" + caseCount(packs));

    // The JUnit report over the packs without a proxy (the MCP ones ran just above).
    List<Pack> fast = packs.stream().filter(p -> p.mcp() == null).toList();
    List<String> args = new ArrayList<>(List.of("conformance", "run"));
    fast.forEach(p -> args.addAll(List.of("--pack", p.file().toString())));
    Path xml = dir.resolve("report.xml");
    args.addAll(List.of("--report", "junit", "--out", xml.toString()));
    Ctl junit = ctl(args.toArray(String[]::new));
    assertThat(junit.code()).as(junit.err()).isZero();
    Document d =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(Files.readAllBytes(xml)));
    assertThat(d.getDocumentElement().getTagName()).isEqualTo("testsuites");
    assertThat(d.getElementsByTagName("testsuite").getLength()).isEqualTo(fast.size());
    assertThat((long) d.getElementsByTagName("testcase").getLength()).isEqualTo(caseCount(fast));
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
    // One aegisd per session manifest: every multi-step pack shares one, but session-taint-flow
    // needs flow mode; decision packs carry their manifests and run against the first.
    Map<String, List<Pack>> byManifest = new LinkedHashMap<>();
    for (Pack p : packs) {
      if (p.sessionManifest() != null) {
        byManifest.computeIfAbsent(p.sessionManifest().toString(), k -> new ArrayList<>()).add(p);
      }
    }
    String common =
        byManifest.entrySet().stream()
            .max(Comparator.comparingInt(e -> e.getValue().size()))
            .orElseThrow()
            .getKey();
    assertThat(
            byManifest.entrySet().stream()
                .filter(e -> !e.getKey().equals(common))
                .flatMap(e -> e.getValue().stream())
                .map(Pack::name))
        .as("the multi-step packs with a session manifest of their own")
        .containsExactly("session-taint-flow");
    List<Pack> first = new ArrayList<>(byManifest.get(common));
    packs.stream().filter(p -> p.sessionManifest() == null).forEach(first::add);
    List<List<Pack>> runs = new ArrayList<>();
    runs.add(first);
    byManifest.forEach(
        (m, group) -> {
          if (!m.equals(common)) {
            runs.add(group);
          }
        });
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "# the conformance run's token\nconformance-token-0123456789\n");
    long multiStep = 0;
    long skipped = 0;
    long tests = 0;
    for (int i = 0; i < runs.size(); i++) {
      List<Pack> group = runs.get(i);
      Path manifest = dir.resolve("session-manifest-" + i + ".json");
      Files.writeString(manifest, group.get(0).sessionManifest().toString());
      ProcessBuilder pb =
          new ProcessBuilder(
                  ProxyProcess.bin("aegisd").toString(),
                  "--listen",
                  "127.0.0.1:0",
                  "--store",
                  "sqlite:" + dir.resolve("chain-" + i + ".db"),
                  "--manifest",
                  manifest.toString())
              .redirectErrorStream(true);
      pb.environment().put("AEGIS_API_TOKENS", "conformance-token-0123456789");
      Process aegisd = pb.start();
      try {
        String base = ListenLine.await(aegisd, new StringBuffer());
        if (i == 0) {
          Ctl unauthorized = ctl("conformance", "run", "--pack", "egress", "--target", base);
          assertThat(unauthorized.code())
              .as("without the token every case is an error")
              .isEqualTo(2);
          assertThat(unauthorized.out()).contains("answered 401");
        }
        List<String> args = new ArrayList<>(List.of("conformance", "run"));
        group.forEach(p -> args.addAll(List.of("--pack", p.file().toString())));
        args.addAll(
            List.of("--target", base, "--token-file", tokenFile.toString(), "--report", "json"));
        Ctl run = ctl(args.toArray(String[]::new));
        assertThat(run.code()).as(run.err()).isZero();
        JsonNode doc = run.json();
        assertThat(doc.at("/totals/failed").asLong()).isZero();
        assertThat(doc.at("/totals/errors").asLong()).isZero();
        tests += doc.at("/totals/tests").asLong();
        skipped += doc.at("/totals/skipped").asLong();
        // Only decision cases the API cannot take and MCP cases are skipped, each saying why.
        for (JsonNode p : doc.path("packs")) {
          for (JsonNode t : p.path("tests")) {
            if (t.path("kind").asText().equals("multi-step")) {
              multiStep++;
              assertThat(t.path("status").asText()).as(t.path("id").asText()).isEqualTo("passed");
            }
            if (t.path("status").asText().equals("skipped")) {
              assertThat(t.path("detail").asText())
                  .matches(
                      "the API takes only an object (event|snapshot)|without an object manifest.*"
                          + "|needs --embedded: an MCP pack runs its own aegis-proxy.*");
            }
            if (t.path("kind").asText().equals("mcp")) {
              assertThat(t.path("status").asText()).as(t.path("id").asText()).isEqualTo("skipped");
            }
          }
        }
      } finally {
        aegisd.destroy();
        aegisd.waitFor(30, TimeUnit.SECONDS);
      }
    }
    assertThat(tests).isEqualTo(caseCount(packs));
    assertThat(multiStep)
        .isEqualTo(
            packs.stream().flatMap(p -> p.cases().stream()).filter(PackCase::stateful).count());
    assertThat(skipped - mcpCaseCount(packs)).isLessThan(10);
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
      assertThat(mcpPassed(run.json())).isEqualTo(mcpCaseCount(shipped()));
    }
  }

  @Test
  void aPolicyWithoutTheTaintRuleFailsExactlyTheTaintCases() throws Exception {
    Path copy = taintlessPolicy();
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
            "session-taint-flow",
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
    assertThat(wantTaint).contains("STAINT-001", "STAINT-003", "TAINT-001", "SFLOW-001");
    assertThat(failed).isEqualTo(wantTaint);
    assertThat(run.err()).contains("NOT compliant");
  }

  /**
   * The same taint-less policy served by the real OPA sidecar fails exactly the MCP cases that
   * expect TAINTED_TO_HIGH_RISK: the proxies of the MCP packs decide on the sidecar. (On Wasm a
   * custom bundle starts on the interpreter in every fresh proxy, and on a loaded machine its first
   * decisions can pass the 2 s deadline: POLICY_ERROR, so the sidecar keeps this test
   * deterministic.)
   */
  @Test
  void aPolicyWithoutTheTaintRuleOnTheSidecarFailsExactlyTheMcpTaintCases() throws Exception {
    Path copy = taintlessPolicy();
    try (OpaSidecar sidecar =
        OpaSidecar.start(
            dir.resolve("opa"), List.of(copy, ProxyProcess.ROOT.resolve("policies/envoy")))) {
      Ctl run =
          ctl(
              "conformance",
              "run",
              "--pack",
              "mcp-filesystem",
              "--pack",
              "mcp-exec",
              "--pack",
              "mcp-taint-flow",
              "--engine",
              "opa-grpc",
              "--opa-addr",
              sidecar.target(),
              "--report",
              "json");
      assertThat(run.code()).as(run.err()).isEqualTo(1);
      assertThat(notPassed(run.json()))
          .containsExactlyInAnyOrder(
              "MFS-006 failed", "MEX-005 failed", "MFLOW-001 failed", "MFLOW-002 failed");
    }
  }

  @Test
  void anMcpPackUnderATooWideManifestFailsExactlyTheCasesTheManifestWasThereFor() throws Exception {
    String pack =
        Files.readString(ProxyProcess.ROOT.resolve("conformance/mcp/mcp-filesystem.yaml"));
    String roots = "read_roots: [\"${ROOT}/docs\"]";
    String tools = "tools: [read_text_file, list_directory, write_file, create_directory]";
    String approval = "      approval_required: [create_directory]\n";
    assertThat(pack).contains(roots, tools, approval);
    Path wide = dir.resolve("mcp-filesystem-wide.yaml");
    Files.writeString(
        wide,
        pack.replace(roots, "read_roots: [\"${ROOT}\"]")
            .replace(tools, tools.replace("]", ", search_files]"))
            .replace(approval, ""));
    Ctl run = ctl("conformance", "run", "--pack", wide.toString(), "--report", "json");
    assertThat(run.code()).as(run.err()).isEqualTo(1);
    // The file outside the read roots is served, the undeclared search runs, the held tool runs;
    // the ../ traversal stays denied (a path with a .. segment is under no root).
    assertThat(notPassed(run.json()))
        .containsExactlyInAnyOrder("MFS-003 failed", "MFS-007 failed", "MFS-008 failed");
    assertThat(run.json().at("/packs/0/tests/2/got/outcome").asText()).isEqualTo("allow");
  }

  /** A copy of policies/aegis without rule 5 (the TAINTED_TO_HIGH_RISK deny). */
  private Path taintlessPolicy() throws IOException {
    Path copy = dir.resolve("aegis");
    copyTree(ProxyProcess.ROOT.resolve("policies/aegis"), copy);
    Path decide = copy.resolve("decide.rego");
    String rego = Files.readString(decide);
    String rule = "} else := deny_with(\"TAINTED_TO_HIGH_RISK\") if {\n\tnot taint_ok\n";
    assertThat(rego).contains(rule);
    Files.writeString(decide, rego.replace(rule, ""));
    return copy;
  }

  /** "ID status" of every case of a JSON report that did not pass. */
  private static Set<String> notPassed(JsonNode report) {
    Set<String> out = new HashSet<>();
    for (JsonNode p : report.path("packs")) {
      for (JsonNode t : p.path("tests")) {
        if (!t.path("status").asText().equals("passed")) {
          out.add(t.path("id").asText() + " " + t.path("status").asText());
        }
      }
    }
    return out;
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
