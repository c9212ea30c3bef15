package dev.aegis.cli.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.guard.Decision;
import dev.aegis.core.json.Json;
import dev.aegis.guard.policy.PolicyBundle;
import dev.aegis.guard.policy.PolicyLoadException;
import dev.aegis.guard.policy.WasmEngineConfig;
import dev.aegis.guard.policy.WasmExecution;
import dev.aegis.guard.policy.WasmPolicyEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aegisctl policy eval}: prints the decision of the decide policy for one input. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Prints the policy's decision for one input {event, snapshot, manifest}.",
    description = {
      "Evaluates the decide policy (data.aegis.decide.decision) for one input document, as"
          + " aegis-proxy would for a tool call, with the in-process Wasm engine, and prints the"
          + " decision: outcome, reason code and constraints.",
      "--manifest replaces the input's manifest with a manifest file's JSON, as given (it is not"
          + " validated: invalid manifests are worth testing too)."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl policy eval --input call.json",
      "  aegisctl policy eval --manifest aegis-manifest.json --input call.json --json",
      "  aegisctl policy eval --bundle my-policy.tar.gz --input call.json"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:evaluated, whatever the outcome (a deny is an answer, not a failure)",
      "2:usage error, unreadable or malformed file, or a policy bundle that cannot be loaded"
    })
final class PolicyEvalCommand implements Callable<Integer> {
  /** One decision from the command line may take its time (a cold JVM, a slow machine). */
  static final Duration DEADLINE = Duration.ofSeconds(10);

  /** Keys sorted, so that scripts comparing output see the same text from every engine. */
  private static final ObjectWriter SORTED =
      Json.MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "The input document (JSON {event, snapshot, manifest}); - is stdin.")
  String input;

  @Option(
      names = "--manifest",
      paramLabel = "FILE",
      description = "A manifest (JSON) to use as the input's manifest.")
  Path manifest;

  @Option(
      names = "--bundle",
      paramLabel = "FILE",
      description =
          "A policy of your own: a .wasm module or an OPA bundle .tar.gz from `opa build -t wasm"
              + " -e aegis/decide/decision` (default: the built-in policy).")
  Path bundle;

  @Option(names = "--json", description = "Print the decision as JSON.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    ObjectNode document = inputDocument();
    Decision decision;
    try (WasmPolicyEngine engine = load()) {
      decision = engine.decide(document).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the engine's future never fails", e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(json ? SORTED.writeValueAsString(decision.toJson()) : line(decision));
    out.flush();
    return AegisCtl.EXIT_OK;
  }

  /** One line: {@code deny PERMISSION_UNDECLARED {}}, constraints with sorted keys. */
  static String line(Decision d) throws JsonProcessingException {
    return d.outcome().wireName()
        + " "
        + d.reason()
        + " "
        + SORTED.writeValueAsString(d.constraints());
  }

  private ObjectNode inputDocument() throws IOException {
    boolean stdin = input.equals("-");
    String name = stdin ? "stdin" : input;
    byte[] bytes = stdin ? System.in.readAllBytes() : Files.readAllBytes(Path.of(input));
    JsonNode doc = parse(bytes, name, "input");
    if (!doc.isObject()) {
      throw new CtlException(
          name + ": the input must be a JSON object {event, snapshot, manifest}");
    }
    ObjectNode document = (ObjectNode) doc;
    if (manifest != null) {
      document.set(
          "manifest", parse(Files.readAllBytes(manifest), manifest.toString(), "manifest"));
    }
    return document;
  }

  private static JsonNode parse(byte[] bytes, String name, String what) {
    try {
      return Json.parse(bytes);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new CtlException(name + ": the " + what + " is not valid JSON: " + why);
    }
  }

  private WasmPolicyEngine load() {
    // The built-in bundle runs as the bytecode the build compiled; a custom one on the interpreter
    // alone: for one decision, compiling it would cost more than it saves.
    WasmExecution mode = bundle == null ? WasmExecution.PRECOMPILED : WasmExecution.INTERPRETER;
    WasmEngineConfig config =
        WasmEngineConfig.defaults().withExecution(mode).withDeadline(DEADLINE);
    try {
      PolicyBundle policy = bundle == null ? PolicyBundle.builtIn() : PolicyBundle.read(bundle);
      return WasmPolicyEngine.load(policy, config);
    } catch (PolicyLoadException e) {
      throw new CtlException(e.getMessage());
    }
  }
}
