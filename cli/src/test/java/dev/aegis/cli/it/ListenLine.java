package dev.aegis.cli.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Reads a started aegisd's output (stdout with stderr merged) for its "listening on URL" line. */
final class ListenLine {
  private ListenLine() {}

  /**
   * The base URL aegisd prints when it listens; every line of its output is appended to {@code log}
   * by a daemon thread for as long as the process runs. Fails when aegisd exits first.
   */
  static String await(Process aegisd, StringBuffer log) throws Exception {
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(aegisd.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  log.append(line).append('\n');
                  int i = line.indexOf("listening on ");
                  if (i >= 0) {
                    url.complete(line.substring(i + 13).split(" ")[0]);
                  }
                }
                url.completeExceptionally(new IOException("aegisd exited:\n" + log));
              } catch (IOException e) {
                url.completeExceptionally(e);
              }
            });
    t.setDaemon(true);
    t.start();
    return url.get(120, TimeUnit.SECONDS);
  }
}
