package dev.aegis.cli.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /**
   * The control API URL a proxy with {@code --admin-listen} prints to stderr (a minute at most).
   */
  static String adminUrl(ProxyProcess p) throws InterruptedException {
    Pattern url = Pattern.compile("control API on (http://\\S+)");
    for (int i = 0; i < 600; i++) {
      Matcher m = url.matcher(p.stderr());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no control API address in stderr:\n" + p.stderr());
  }
}
