package dev.aegis.cli.ctl;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs aegisctl in-process and captures its exit code and output. */
final class Ctl {
  private Ctl() {}

  /** One run: exit code, text stdout, stderr, and bytes written to binary stdout (exports). */
  record Run(int exit, String out, String err, byte[] raw) {
    String rawText() {
      return new String(raw, StandardCharsets.UTF_8);
    }
  }

  /** Runs aegisctl with the arguments. */
  static Run run(String... args) {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = AegisCtl.commandLine(new AegisCtl(raw));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString(), raw.toByteArray());
  }
}
