package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code aegisctl export}: streams one chain as NDJSON with its exact stored bytes. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Exports one chain as NDJSON, with its exact stored bytes.",
    description = {
      "Writes one chain as NDJSON, one line per event in seq order:",
      "  {\"record\":<sealed JSON, as stored>,\"hash\":\"<hex>\",\"body\":\"<base64>\"}",
      "(body omitted when the event stores none; \"redacted\":true added when its body was"
          + " erased by aegisctl redact). Anyone can check a line without Aegis: the"
          + " SHA-256 of the bytes of record is hash, record.prev_hash is the previous line's hash,"
          + " and the SHA-256 of the decoded body is record.payload.body_sha256.",
      "The export is not verified while written; check it with aegisctl verify --file."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  aegisctl export --session 7f3c > chain.ndjson",
      "  aegisctl export --store sqlite:chain.db --tenant acme --session s1 --out s1.ndjson",
      "  aegisctl verify --file s1.ndjson"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:exported",
      "2:usage or configuration error: bad flags, bad or unreachable store, no such session,"
          + " unwritable output"
    })
final class ExportCommand implements Callable<Integer> {
  @Mixin StoreOptions where;

  @Option(
      names = "--session",
      paramLabel = "S",
      required = true,
      description = "The session to export (tenant: --tenant, default: default).")
  String session;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write to FILE (replaced atomically once complete) instead of stdout.")
  Path out;

  @ParentCommand AegisCtl ctl;

  @Override
  public Integer call() throws IOException {
    String tenant = where.tenantOrDefault();
    try (ChainStore store = where.open()) {
      if (store.head(tenant, session).isEmpty()) {
        throw new CtlException(
            "no such session: " + tenant + "/" + session + " in " + store.describe());
      }
      if (out == null) {
        OutputStream stdout = new BufferedOutputStream(ctl.stdout(), 1 << 16);
        export(store, tenant, stdout);
        stdout.flush();
      } else {
        exportToFile(store, tenant);
      }
    }
    return AegisCtl.EXIT_OK;
  }

  private void exportToFile(ChainStore store, String tenant) throws IOException {
    Path target = out.toAbsolutePath();
    Path tmp;
    try {
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
    } catch (IOException e) {
      throw new CtlException("cannot write " + out + ": " + CtlErrors.describe(e));
    }
    try {
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        export(store, tenant, o);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private void export(ChainStore store, String tenant, OutputStream o) throws IOException {
    Set<Long> redacted = Redactions.erased(store, tenant, session);
    try {
      store.read(
          tenant,
          session,
          r -> {
            try {
              ExportLine.write(r, redacted.contains(r.seq()), o);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
