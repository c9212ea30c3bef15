package dev.aegis.cli.ctl;

import dev.aegis.core.chain.ChainStoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Maps failures to one-line messages on stderr and exit codes: usage errors, configuration errors,
 * store and I/O failures all exit {@link AegisCtl#EXIT_USAGE}, so that exit code 1 always means a
 * chain was read and found invalid — never that aegisctl could not check it.
 */
final class CtlErrors
    implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("aegisctl: " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return AegisCtl.EXIT_USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    cmd.getOut().flush();
    if (ex instanceof ParameterException pe) {
      return handleParseException(pe, parsed.originalArgs().toArray(String[]::new));
    }
    if (ex instanceof CtlException) {
      err.println("aegisctl: " + ex.getMessage());
    } else if (ex instanceof ChainStoreException cse) {
      err.println("aegisctl: " + storeProblem(cse.reason()) + ": " + cse.getMessage());
    } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
      IOException io = ex instanceof UncheckedIOException u ? u.getCause() : (IOException) ex;
      String file = io instanceof FileSystemException f ? f.getFile() + ": " : "";
      err.println("aegisctl: I/O error: " + file + describe(io));
    } else {
      err.println("aegisctl: internal error: " + ex);
      ex.printStackTrace(err);
    }
    err.flush();
    return AegisCtl.EXIT_USAGE;
  }

  /** Why an I/O operation failed, without the file name (Java's message is often only that). */
  static String describe(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  private static String storeProblem(ChainStoreException.Reason reason) {
    switch (reason) {
      case STORE_CONFIG:
        return "bad store configuration";
      case STORE_UNAVAILABLE:
        return "store unavailable";
      case STORE_CLOSED:
        return "store closed";
      default:
        return "store error (" + reason + ")";
    }
  }
}
