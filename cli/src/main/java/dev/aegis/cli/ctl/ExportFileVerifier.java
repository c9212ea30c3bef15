package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainRecord;
import dev.aegis.core.chain.ChainVerifier;
import dev.aegis.core.chain.VerifyResult;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Verifies an NDJSON export of one chain without any store: line N holds seq N-1, each line is
 * parsed by {@link ExportLine} and fed to {@link ChainVerifier}. A malformed line makes the chain
 * invalid at that line's seq; an unreadable file is a {@link CtlException}.
 */
final class ExportFileVerifier {
  /** Longest line accepted: a 16 MiB frame in base64 plus its record fits many times over. */
  static final int MAX_LINE_BYTES = 256 * 1024 * 1024;

  private final Consumer<ChainRecord> tap;
  private ChainVerifier verifier;
  private long lines;
  private VerifyResult malformed;

  private ExportFileVerifier(Consumer<ChainRecord> tap) {
    this.tap = tap;
  }

  /** The verdict on an export and the seqs it marks redacted (bodies erased, not tampered). */
  record Outcome(VerifyResult result, List<Long> redacted) {}

  /**
   * Verifies the export in {@code file} ({@code -} for stdin), also handing every well-formed
   * record, in order, to {@code tap} (for the checkpoint check).
   */
  static Outcome verify(String file, Consumer<ChainRecord> tap) {
    ExportFileVerifier v = new ExportFileVerifier(tap);
    try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
      LineReader reader = new LineReader(in, MAX_LINE_BYTES);
      for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
        v.accept(line);
      }
    } catch (IOException | InvalidPathException e) {
      throw new CtlException("cannot read " + file + ": " + CtlErrors.describe(e));
    }
    return new Outcome(v.result(), v.verifier == null ? List.of() : v.verifier.redacted());
  }

  private void accept(LineReader.Line line) {
    long seq = lines++;
    if (malformed != null || (verifier != null && !verifier.result().valid())) {
      return;
    }
    ExportLine.Entry entry;
    try {
      entry = entry(line);
    } catch (ExportLine.MalformedLineException e) {
      VerifyResult so = verifier == null ? null : verifier.result();
      malformed =
          new VerifyResult(
              so == null ? null : so.tenantId(),
              so == null ? null : so.sessionId(),
              false,
              0,
              seq,
              "line " + (seq + 1) + ": " + e.getMessage(),
              null);
      return;
    }
    if (verifier == null) {
      verifier = new ChainVerifier(field(entry, "tenant_id"), field(entry, "session_id"));
    }
    VerifyResult so = verifier.result();
    ChainRecord r = ExportLine.record(entry, so.tenantId(), so.sessionId(), seq, so.headHash());
    if (entry.redacted()) {
      verifier.redactions(List.of(r.seq()));
    }
    verifier.accept(r);
    tap.accept(r);
  }

  private static ExportLine.Entry entry(LineReader.Line line)
      throws ExportLine.MalformedLineException {
    if (line.bytes() == null) {
      throw new ExportLine.MalformedLineException(
          "line of " + line.length() + " bytes exceeds the limit of " + MAX_LINE_BYTES);
    }
    if (line.bytes().length == 0) {
      throw new ExportLine.MalformedLineException("empty line");
    }
    return ExportLine.parse(line.bytes());
  }

  /** A string field of the record, read leniently (the verifier judges the record later). */
  private static String field(ExportLine.Entry entry, String name) {
    try {
      return Json.parse(entry.sealed()).path(name).asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private VerifyResult result() {
    VerifyResult r;
    if (malformed != null) {
      r = malformed;
    } else if (verifier == null) {
      return new VerifyResult(null, null, false, 0, 0, "no records: the export is empty", null);
    } else {
      r = verifier.result();
    }
    return new VerifyResult(
        r.tenantId(), r.sessionId(), r.valid(), lines, r.firstBadSeq(), r.reason(), r.headHash());
  }
}
