package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStore;
import dev.aegis.core.checkpoint.Checkpoint;
import dev.aegis.core.checkpoint.CheckpointNote;
import dev.aegis.store.ChainStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code aegisctl checkpoint export}: checkpoints as plain signed notes, one after another. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Writes checkpoints as plain-text signed notes.",
    description = {
      "One note per checkpoint, by tenant, session and seq:",
      "  aegis-checkpoint/v1",
      "  tenant T",
      "  session S",
      "  seq N",
      "  head HEX",
      "  time UNIX_MS",
      "  (blank line)",
      "  \u2014 KEYID BASE64-ED25519-SIGNATURE   (absent when unsigned)",
      "The six lines before the blank line are the exact bytes signed. Scope: --session (tenant"
          + " default unless --tenant), every session of --tenant, or every checkpoint."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:exported (possibly nothing)",
      "2:usage or configuration error, or the store is unavailable"
    })
final class CheckpointExportCommand implements Callable<Integer> {
  @Mixin StoreOptions where;

  @Option(names = "--session", paramLabel = "S", description = "Only this session's checkpoints.")
  String session;

  @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of stdout.")
  Path out;

  @ParentCommand CheckpointCommand parent;

  @Override
  public Integer call() throws IOException {
    List<Checkpoint> checkpoints;
    try (ChainStore store = where.open()) {
      checkpoints =
          session != null
              ? ChainStores.checkpoints(store).list(where.tenantOrDefault(), session)
              : ChainStores.checkpoints(store).all(where.tenantOrAll());
    }
    StringBuilder text = new StringBuilder();
    checkpoints.forEach(c -> text.append(CheckpointNote.format(c)));
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    if (out != null) {
      try {
        Files.write(out, bytes);
      } catch (IOException e) {
        throw new CtlException("cannot write " + out + ": " + CtlErrors.describe(e));
      }
    } else {
      parent.ctl.stdout().write(bytes);
      parent.ctl.stdout().flush();
    }
    return AegisCtl.EXIT_OK;
  }
}
