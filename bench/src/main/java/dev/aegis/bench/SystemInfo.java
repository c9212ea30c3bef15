package dev.aegis.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a result depends on: the command line, the JVM and the CPU. */
final class SystemInfo {
  private SystemInfo() {}

  /** The command line of this process as the OS reports it, else as the JVM knows it. */
  static String commandLine(String mainClass, String[] args) {
    ProcessHandle.Info info = ProcessHandle.current().info();
    Optional<String> cmd = info.command();
    Optional<String[]> argv = info.arguments();
    List<String> parts = new ArrayList<>();
    if (cmd.isPresent() && argv.isPresent()) {
      parts.add(cmd.get());
      parts.addAll(List.of(argv.get()));
    } else {
      parts.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      parts.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      parts.add("-cp");
      parts.add(System.getProperty("java.class.path"));
      parts.add(mainClass);
      parts.addAll(List.of(args));
    }
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      b.append(b.length() == 0 ? "" : " ").append(quote(p));
    }
    return b.toString();
  }

  /** JVM, OS and CPU facts, in a stable order. */
  static Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("java.version", System.getProperty("java.version"));
    m.put(
        "java.vm",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.vm.version")
            + " ("
            + System.getProperty("java.vm.vendor")
            + ")");
    m.put("jvm.args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    List<String> gcs = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcs.add(gc.getName());
    }
    m.put("gc", String.join(", ", gcs));
    m.put("max.heap.mib", Long.toString(Runtime.getRuntime().maxMemory() >> 20));
    m.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    m.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    m.put("cpu.model", cpuModel());
    return m;
  }

  private static String cpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    try {
      if (Files.isReadable(cpuinfo)) {
        for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).trim();
          }
        }
      }
    } catch (IOException e) {
      // fall through: not Linux, or not readable
    }
    return "unknown";
  }

  private static String quote(String s) {
    if (!s.isEmpty()
        && s.chars().allMatch(c -> Character.isLetterOrDigit(c) || "-_./:=,+@%".indexOf(c) >= 0)) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
