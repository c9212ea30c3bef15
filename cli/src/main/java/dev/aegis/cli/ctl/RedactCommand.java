package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Redaction;
import dev.aegis.core.chain.RedactionStore;
import dev.aegis.store.ChainStores;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code aegisctl redact}: erases one stored frame body, keeping the chain verifiable. */
@Command(
    name = "redact",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header =
        "Erases stored frame bodies (one, or every one holding a secret); the chain still"
            + " verifies and reports them redacted.",
    description = {
      "Deletes the body of event --seq of --session from the bodies table and records a"
          + " redaction (its digest, --reason, --by, time) in one transaction; the store refuses"
          + " to delete a body without that record. The event itself, which commits to the"
          + " body's SHA-256, is untouched: aegisctl verify reports the seq as redacted, not"
          + " tampered, and aegisctl export marks the line \\\"redacted\\\":true.",
      "With --secrets (and/or --pattern REGEX) instead of --seq, every stored body of --session"
          + " (or, without --session, of every session of --tenant, or of the whole store) is"
          + " scanned for credentials: private keys, AWS access key ids, GitHub, GitLab, Slack,"
          + " Stripe, Google, OpenAI/Anthropic keys, JWTs, bearer credentials; each body that"
          + " holds one is redacted with the reason 'secret: KIND'. --dry-run lists them only.",
      "Irreversible. On PostgreSQL it needs the redactor grants (docs/storage.md)."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl redact --session 7f3c --seq 42 --reason 'API key pasted by the user'",
      "  aegisctl redact --secrets --dry-run",
      "  aegisctl redact --tenant acme --secrets --pattern 'ACME-[0-9]{8}'"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:redacted (with --secrets: the scan finished, whatever it found)",
      "1:no stored body at that seq (none, or already redacted)",
      "2:usage or configuration error, or the store is unavailable"
    })
final class RedactCommand implements Callable<Integer> {
  @Mixin StoreOptions where;

  @Option(names = "--session", paramLabel = "S", description = "The session (required with --seq).")
  String session;

  @Option(names = "--seq", paramLabel = "N", description = "The event whose body to erase.")
  Long seq;

  @Option(
      names = "--secrets",
      description = "Erase every body holding a credential of a known shape (see above).")
  boolean secrets;

  @Option(
      names = "--pattern",
      paramLabel = "REGEX",
      description = "Also erase bodies matching this Java regular expression (repeatable).")
  List<String> extraPatterns = new ArrayList<>();

  @Option(names = "--dry-run", description = "With --secrets/--pattern: list, erase nothing.")
  boolean dryRun;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why (recorded).")
  String reason;

  @Option(
      names = "--by",
      paramLabel = "NAME",
      description = "Who (recorded; default: your OS user name).")
  String by;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    boolean scan = secrets || !extraPatterns.isEmpty();
    if (scan == (seq != null)) {
      throw new ParameterException(
          spec.commandLine(), "give either --seq N or --secrets / --pattern REGEX");
    }
    if (!scan && session == null) {
      throw new ParameterException(spec.commandLine(), "--seq needs --session");
    }
    String who = by != null ? by : System.getProperty("user.name", "operator");
    if (scan) {
      return scan(SecretPatterns.of(secrets, extraPatterns), who);
    }
    PrintWriter out = spec.commandLine().getOut();
    String tenant = where.tenantOrDefault();
    try (ChainStore store = where.open()) {
      Redaction r =
          ChainStores.redactions(store)
              .redact(tenant, session, seq, reason, who, System.currentTimeMillis());
      out.println(
          "redacted "
              + tenant
              + "/"
              + session
              + "#"
              + seq
              + "  body_sha256="
              + r.bodySha256()
              + "  by="
              + r.redactedBy());
      return AegisCtl.EXIT_OK;
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("aegisctl redact: " + e.getMessage());
      return AegisCtl.EXIT_INVALID;
    }
  }

  /** Scans the bodies in scope and redacts (or lists) every one a pattern matches. */
  private int scan(SecretPatterns patterns, String who) {
    PrintWriter out = spec.commandLine().getOut();
    int hits = 0;
    try (ChainStore store = where.open()) {
      RedactionStore redactions = ChainStores.redactions(store);
      for (Chain s : scope(store)) {
        List<Hit> found = new ArrayList<>();
        List<Hit> sealed = new ArrayList<>();
        store.read(
            s.tenantId(),
            s.sessionId(),
            r -> {
              if (r.body() != null) {
                patterns.firstMatch(r.body()).ifPresent(k -> found.add(new Hit(r.seq(), k)));
              }
              patterns.firstMatch(r.sealed()).ifPresent(k -> sealed.add(new Hit(r.seq(), k)));
            });
        for (Hit h : sealed) { // e.g. a tool call's args in TOOL_CALL_PROPOSED
          spec.commandLine()
              .getErr()
              .println(
                  "aegisctl redact: "
                      + s.tenantId()
                      + "/"
                      + s.sessionId()
                      + "#"
                      + h.seq()
                      + " holds a "
                      + h.kind()
                      + " in its sealed record, which cannot be erased (only bodies can)");
        }
        for (Hit h : found) {
          String at = s.tenantId() + "/" + s.sessionId() + "#" + h.seq();
          if (dryRun) {
            out.println("would redact " + at + "  " + h.kind());
          } else {
            String why = "secret: " + h.kind() + (reason == null ? "" : " (" + reason + ")");
            redactions.redact(
                s.tenantId(), s.sessionId(), h.seq(), why, who, System.currentTimeMillis());
            out.println("redacted " + at + "  " + h.kind());
          }
          hits++;
        }
      }
    }
    out.println(
        (dryRun ? "would redact " : "redacted ")
            + hits
            + (hits == 1 ? " body" : " bodies")
            + " holding secrets");
    return AegisCtl.EXIT_OK;
  }

  /** A body that holds a secret: its event's seq and the pattern's name. */
  private record Hit(long seq, String kind) {}

  /** The sessions to scan: --session, else every session of --tenant, else the whole store. */
  private List<Chain> scope(ChainStore store) {
    if (session == null) {
      return store.sessions(where.tenantOrAll()).stream()
          .map(s -> new Chain(s.tenantId(), s.sessionId()))
          .toList();
    }
    String tenant = where.tenantOrDefault();
    if (store.head(tenant, session).isEmpty()) {
      throw new CtlException(
          "no such session: " + tenant + "/" + session + " in " + store.describe());
    }
    return List.of(new Chain(tenant, session));
  }

  /** One chain to scan. */
  private record Chain(String tenantId, String sessionId) {}
}
