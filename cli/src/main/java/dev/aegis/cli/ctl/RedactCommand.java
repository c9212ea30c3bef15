package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.chain.Redaction;
import dev.aegis.store.ChainStores;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aegisctl redact}: erases one stored frame body, keeping the chain verifiable. */
@Command(
    name = "redact",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Erases a stored frame body; the chain still verifies and reports it redacted.",
    description = {
      "Deletes the body of event --seq of --session from the bodies table and records a"
          + " redaction (its digest, --reason, --by, time) in one transaction; the store refuses"
          + " to delete a body without that record. The event itself, which commits to the"
          + " body's SHA-256, is untouched: aegisctl verify reports the seq as redacted, not"
          + " tampered, and aegisctl export marks the line \\\"redacted\\\":true.",
      "Irreversible. On PostgreSQL it needs the redactor grants (docs/storage.md)."
    },
    footerHeading = "%nExamples:%n",
    footer = {"  aegisctl redact --session 7f3c --seq 42 --reason 'API key pasted by the user'"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:redacted",
      "1:no stored body at that seq (none, or already redacted)",
      "2:usage or configuration error, or the store is unavailable"
    })
final class RedactCommand implements Callable<Integer> {
  @Mixin StoreOptions where;

  @Option(names = "--session", paramLabel = "S", required = true, description = "The session.")
  String session;

  @Option(
      names = "--seq",
      paramLabel = "N",
      required = true,
      description = "The event whose body to erase.")
  long seq;

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
    PrintWriter out = spec.commandLine().getOut();
    String tenant = where.tenantOrDefault();
    String who = by != null ? by : System.getProperty("user.name", "operator");
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
}
