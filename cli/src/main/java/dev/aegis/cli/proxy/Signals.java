package dev.aegis.cli.proxy;

import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * TERM, INT and HUP (the terminal went away) start the proxy's orderly shutdown (close the server's
 * stdin, wait, TERM, KILL, seal the termination) instead of killing the JVM outright.
 */
final class Signals {
  private Signals() {}

  static void onTermination(Consumer<String> shutdown) {
    for (String name : new String[] {"TERM", "INT", "HUP"}) {
      try {
        Signal.handle(new Signal(name), sig -> shutdown.accept("signal SIG" + sig.getName()));
      } catch (IllegalArgumentException e) {
        // signal not available on this platform; the JVM default applies
      }
    }
  }
}
