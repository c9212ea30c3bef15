package dev.aegis.cli.ctl;

import dev.aegis.store.BodyKeys;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code aegisctl shred}: deletes a tenant's body key, making its stored bodies unreadable. */
@Command(
    name = "shred",
    mixinStandardHelpOptions = true,
    versionProvider = AegisCtl.VersionProvider.class,
    usageHelpAutoWidth = true,
    header = "Deletes a tenant's body key: every body encrypted under it becomes unreadable.",
    description = {
      "Stored frame bodies encrypted at rest (aegis-proxy --body-keys) can only be read with"
          + " their tenant's key. Deleting the key shreds them all at once, in every store and"
          + " backup that holds them; the chains still verify (aegisctl verify lists the bodies as"
          + " shredded) because each event commits to its body's digest, not to the body.",
      "Irreversible unless the key file was copied elsewhere. A proxy still running for the"
          + " tenant keeps the key in memory until it exits; later bodies get a new key."
    },
    footerHeading = "%nExamples:%n",
    footer = {"  aegisctl shred --body-keys /var/lib/aegis/keys --tenant acme --yes"},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the key was deleted",
      "1:the tenant had no key there",
      "2:usage error (no --yes, no key directory) or the key cannot be deleted"
    })
final class ShredCommand implements Callable<Integer> {
  @Option(
      names = "--body-keys",
      paramLabel = "DIR",
      description = "The key directory (default: $AEGIS_BODY_KEYS).")
  Path bodyKeys;

  @Option(names = "--tenant", paramLabel = "T", required = true, description = "The tenant.")
  String tenant;

  @Option(names = "--yes", description = "Confirms the irreversible deletion.")
  boolean yes;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    BodyKeys keys =
        bodyKeys != null ? BodyKeys.in(bodyKeys) : BodyKeys.fromEnv(System.getenv()).orElse(null);
    if (keys == null) {
      throw new CtlException("no key directory: give --body-keys DIR or set " + BodyKeys.ENV);
    }
    if (!yes) {
      throw new CtlException(
          "shredding deletes " + keys.file(tenant) + " for good: add --yes to confirm");
    }
    if (!keys.shred(tenant)) {
      spec.commandLine()
          .getErr()
          .println("aegisctl shred: no key for tenant " + tenant + " in " + keys.directory());
      return AegisCtl.EXIT_INVALID;
    }
    spec.commandLine()
        .getOut()
        .println("shredded tenant " + tenant + ": deleted " + keys.file(tenant));
    return AegisCtl.EXIT_OK;
  }
}
