package dev.aegis.guard.manifest;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.core.event.EnvelopeHasher;
import dev.aegis.core.event.Hex;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A validated capability manifest ({@code aegis-manifest.json}), with defaults applied, and the
 * JSON it was read from (the policy receives that JSON; the signature covers it). Built by {@link
 * ManifestLoader}; immutable and thread-safe.
 *
 * @param schema always {@link #SCHEMA}
 * @param name the server's name
 * @param version the server's version, SemVer 2.0
 * @param publisher who publishes the manifest
 * @param permissions what the server's tools may do
 * @param sandbox whether the server must run in a sandbox
 * @param integrity the server's files, their tree hash and the manifest's signature
 * @param json the manifest as read (a private copy; {@link #json()} returns a fresh copy)
 */
public record Manifest(
    String schema,
    String name,
    String version,
    String publisher,
    Permissions permissions,
    Sandbox sandbox,
    Integrity integrity,
    ObjectNode json) {

  /** The only schema this version reads. */
  public static final String SCHEMA = "aegis.dev/manifest/v0.1";

  /** The conventional file name. */
  public static final String FILE_NAME = "aegis-manifest.json";

  /** True when {@code version} is SemVer 2.0.0, as the loader requires of {@code version}. */
  public static boolean isSemVer(String version) {
    return version != null && ManifestRules.SEMVER.matcher(version).matches();
  }

  /** Checks the parts are present and keeps a private copy of the JSON. */
  public Manifest {
    requireNonNull(schema, "schema");
    requireNonNull(name, "name");
    requireNonNull(version, "version");
    requireNonNull(publisher, "publisher");
    requireNonNull(permissions, "permissions");
    requireNonNull(sandbox, "sandbox");
    requireNonNull(integrity, "integrity");
    json = requireNonNull(json, "json").deepCopy();
  }

  /** A fresh copy of the manifest JSON as read; callers may change the copy. */
  @Override
  public ObjectNode json() {
    return json.deepCopy();
  }

  /** RFC 8785 canonical bytes of the whole manifest JSON, signature included. */
  public byte[] canonicalBytes() {
    return EnvelopeHasher.canonicalize(EnvelopeHasher.normalize(json));
  }

  /** SHA-256 (lowercase hex) of {@link #canonicalBytes()}: the manifest digest in decisions. */
  public String digest() {
    return Hex.sha256(canonicalBytes());
  }

  /** The manifest with every default filled in, as {@code aegisctl manifest show --json} prints. */
  public ObjectNode resolvedJson() {
    return ManifestJson.resolved(this);
  }

  /** Name, version, publisher, number of tools and signature state; never the whole JSON. */
  @Override
  public String toString() {
    return "Manifest["
        + name
        + "@"
        + version
        + " by "
        + publisher
        + ", "
        + permissions.tools().size()
        + " tools, "
        + integrity.signature().map(s -> "signed by key " + s.keyId()).orElse("unsigned")
        + "]";
  }

  /**
   * What the server's tools may do. Every list is duplicate-free; every tool named outside {@code
   * tools} is also in {@code tools}.
   *
   * @param tools the tools that may be called at all; everything else is denied
   * @param fs file-system roots and operator-declared file tools
   * @param net allowed network destinations and operator-declared network tools
   * @param exec allowed binaries, argument patterns and operator-declared exec tools
   * @param highRisk operator-declared high-risk sinks, added to the policy's built-in list
   * @param secrets names of secrets the server needs; passed to the policy, not enforced yet
   * @param approvalRequired tools that need a human approval before each call
   * @param budgets per-session limits and per-call constraints
   * @param loops loop-detector thresholds
   * @param taint how tool output taints the session
   */
  public record Permissions(
      List<String> tools,
      Fs fs,
      Net net,
      Exec exec,
      List<String> highRisk,
      List<String> secrets,
      List<String> approvalRequired,
      Budgets budgets,
      Loops loops,
      Taint taint) {
    /** Copies the lists; checks every part is present. */
    public Permissions {
      tools = List.copyOf(tools);
      requireNonNull(fs, "fs");
      requireNonNull(net, "net");
      requireNonNull(exec, "exec");
      highRisk = List.copyOf(highRisk);
      secrets = List.copyOf(secrets);
      approvalRequired = List.copyOf(approvalRequired);
      requireNonNull(budgets, "budgets");
      requireNonNull(loops, "loops");
      requireNonNull(taint, "taint");
    }
  }

  /**
   * File-system permissions.
   *
   * @param readRoots absolute directories file tools may read below
   * @param writeRoots absolute directories file tools may write (and read) below
   * @param tools file-write tools the operator declares, besides the policy's built-in writers
   * @param readTools file-read tools the operator declares, besides the policy's built-in readers
   */
  public record Fs(
      List<String> readRoots, List<String> writeRoots, List<String> tools, List<String> readTools) {
    /** No roots, no tools. */
    public static final Fs NONE = new Fs(List.of(), List.of(), List.of(), List.of());

    /** Copies the lists. */
    public Fs {
      readRoots = List.copyOf(readRoots);
      writeRoots = List.copyOf(writeRoots);
      tools = List.copyOf(tools);
      readTools = List.copyOf(readTools);
    }
  }

  /**
   * Network permissions.
   *
   * @param domains hosts network tools may reach: exact names or {@code *.suffix} wildcards
   * @param tools network tools the operator declares, besides the policy's built-in list
   */
  public record Net(List<String> domains, List<String> tools) {
    /** No domains, no tools. */
    public static final Net NONE = new Net(List.of(), List.of());

    /** Copies the lists. */
    public Net {
      domains = List.copyOf(domains);
      tools = List.copyOf(tools);
    }
  }

  /**
   * Process-execution permissions.
   *
   * @param allowedBins binaries exec tools may run
   * @param argPatterns RE2 regular expressions for exec arguments
   * @param tools exec tools the operator declares, besides the policy's built-in list
   */
  public record Exec(List<String> allowedBins, List<String> argPatterns, List<String> tools) {
    /** No binaries, no patterns, no tools. */
    public static final Exec NONE = new Exec(List.of(), List.of(), List.of());

    /** Copies the lists. */
    public Exec {
      allowedBins = List.copyOf(allowedBins);
      argPatterns = List.copyOf(argPatterns);
      tools = List.copyOf(tools);
    }
  }

  /**
   * Budgets per session and constraints per allowed call; reaching a session limit denies.
   *
   * @param maxSteps agent actions per session
   * @param maxToolCalls tool calls per session
   * @param maxWallTimeMs milliseconds since the session's first event
   * @param maxOutputBytes largest tool result passed to the client
   * @param timeoutMs how long one tool call may run
   */
  public record Budgets(
      long maxSteps, long maxToolCalls, long maxWallTimeMs, long maxOutputBytes, long timeoutMs) {
    /** Default {@code max_steps}. */
    public static final long DEFAULT_MAX_STEPS = 24;

    /** Default {@code max_tool_calls}. */
    public static final long DEFAULT_MAX_TOOL_CALLS = 12;

    /** Default {@code max_wall_time_ms}: two minutes. */
    public static final long DEFAULT_MAX_WALL_TIME_MS = 120_000;

    /** Default {@code max_output_bytes}: 1 MiB. */
    public static final long DEFAULT_MAX_OUTPUT_BYTES = 1_048_576;

    /** Default {@code timeout_ms}: 30 seconds. */
    public static final long DEFAULT_TIMEOUT_MS = 30_000;

    /** Every budget at its default. */
    public static final Budgets DEFAULTS =
        new Budgets(
            DEFAULT_MAX_STEPS,
            DEFAULT_MAX_TOOL_CALLS,
            DEFAULT_MAX_WALL_TIME_MS,
            DEFAULT_MAX_OUTPUT_BYTES,
            DEFAULT_TIMEOUT_MS);
  }

  /**
   * Loop-detector thresholds.
   *
   * @param identicalCallThreshold the identical call (same tool, same arguments) that fires
   * @param noProgressThreshold consecutive tool calls without a state change that fire
   * @param sequenceMinLength shortest repeating sequence of tool names detected
   * @param sequenceMaxLength longest repeating sequence of tool names detected
   * @param window how many recent tool calls the detector remembers
   */
  public record Loops(
      int identicalCallThreshold,
      int noProgressThreshold,
      int sequenceMinLength,
      int sequenceMaxLength,
      int window) {
    /** Default: the 3rd identical call fires. */
    public static final int DEFAULT_IDENTICAL_CALL_THRESHOLD = 3;

    /** Default: the 3rd call in a row without progress fires. */
    public static final int DEFAULT_NO_PROGRESS_THRESHOLD = 3;

    /** Default shortest repeating sequence. */
    public static final int DEFAULT_SEQUENCE_MIN_LENGTH = 3;

    /** Default longest repeating sequence. */
    public static final int DEFAULT_SEQUENCE_MAX_LENGTH = 7;

    /** Default window of remembered calls. */
    public static final int DEFAULT_WINDOW = 20;

    /** Largest accepted window, so that a session's loop state stays small. */
    public static final int MAX_WINDOW = 1000;

    /** Every threshold at its default. */
    public static final Loops DEFAULTS =
        new Loops(
            DEFAULT_IDENTICAL_CALL_THRESHOLD,
            DEFAULT_NO_PROGRESS_THRESHOLD,
            DEFAULT_SEQUENCE_MIN_LENGTH,
            DEFAULT_SEQUENCE_MAX_LENGTH,
            DEFAULT_WINDOW);
  }

  /**
   * Taint tracking.
   *
   * @param mode session (any tool result taints the session) or flow (per value)
   * @param untrustedTools tools whose results are untrusted in flow mode, besides those the
   *     upstream's annotations mark as open-world
   * @param sanitizers tools whose successful calls with {@code _meta["io.aegis/sanitize"]} register
   *     a sanitisation key; their output is trusted in flow mode (never also untrusted)
   */
  public record Taint(TaintMode mode, List<String> untrustedTools, List<String> sanitizers) {
    /** Session mode, no declared untrusted tools, no sanitisers. */
    public static final Taint DEFAULTS = new Taint(TaintMode.SESSION, List.of(), List.of());

    /** Copies the lists. */
    public Taint {
      requireNonNull(mode, "mode");
      untrustedTools = List.copyOf(untrustedTools);
      sanitizers = List.copyOf(sanitizers);
    }
  }

  /** How tool output taints a session. */
  public enum TaintMode {
    /** Any tool result taints the whole session until TERMINATION (the seed's behaviour). */
    SESSION,
    /** Only arguments that carry content from an untrusted result are tainted. */
    FLOW;

    /** The manifest spelling: {@code session} or {@code flow}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the manifest spelling; empty when it is neither. */
    public static Optional<TaintMode> fromWire(String s) {
      for (TaintMode m : values()) {
        if (m.wireName().equals(s)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Sandbox requirement; Aegis does not start the sandbox, the deployment provides it.
   *
   * @param required whether the server must run in a sandbox; must be true when effectful
   *     permissions are declared
   * @param image the container image to run, if any
   * @param mounts bind mounts, {@code SOURCE:/DEST[:ro|:rw]}
   */
  public record Sandbox(boolean required, Optional<String> image, List<String> mounts) {
    /** Not required, no image, no mounts. */
    public static final Sandbox NONE = new Sandbox(false, Optional.empty(), List.of());

    /** Copies the list. */
    public Sandbox {
      requireNonNull(image, "image");
      mounts = List.copyOf(mounts);
    }
  }

  /**
   * Integrity of the server's files and of the manifest itself.
   *
   * @param files relative path (with {@code /}) → SHA-256 (lowercase hex), sorted by path
   * @param treeSha256 SHA-256 over {@code relpath:sha256\n} lines of every file, sorted by path
   * @param signature the Ed25519 signature over the manifest, if signed
   */
  public record Integrity(
      SortedMap<String, String> files, Optional<String> treeSha256, Optional<Signature> signature) {
    /** Nothing declared. */
    public static final Integrity NONE =
        new Integrity(Collections.emptySortedMap(), Optional.empty(), Optional.empty());

    /** Copies the map (sorted by UTF-8 bytes of the path). */
    public Integrity {
      files = ManifestIntegrity.sortedCopy(files);
      requireNonNull(treeSha256, "treeSha256");
      requireNonNull(signature, "signature");
    }
  }

  /**
   * An Ed25519 signature over the RFC 8785 bytes of the manifest without {@code
   * integrity.signature}.
   *
   * @param alg always {@code ed25519}
   * @param keyId first 16 hex digits of SHA-256 of the signer's public key (X.509 DER)
   * @param value the 64-byte signature, base64
   */
  public record Signature(String alg, String keyId, String value) {
    /** The only algorithm. */
    public static final String ED25519 = "ed25519";

    /** Checks the parts are present. */
    public Signature {
      requireNonNull(alg, "alg");
      requireNonNull(keyId, "keyId");
      requireNonNull(value, "value");
    }
  }
}
