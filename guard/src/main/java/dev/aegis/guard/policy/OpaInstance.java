package dev.aegis.guard.policy;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One instance of an OPA Wasm policy, driven through the OPA Wasm ABI (version 1.2 or later): data
 * parsed once into the instance's heap, then each evaluation is a single {@code opa_eval} call on
 * input bytes written just above the data, with the heap reset to that point every time. Works on
 * any Chicory instance of the module, however it runs (interpreted, compiled at run time, compiled
 * at build time) and whoever provides its imports.
 *
 * <p>Threading: not thread-safe (one linear memory and heap); used by one thread at a time.
 * Failures: {@link #evaluate} throws a {@link RuntimeException} (Chicory traps, {@code opa_abort},
 * memory exhausted) after which the instance's state is unknown and it must be dropped.
 */
final class OpaInstance {
  private final Instance instance;
  private final Memory memory;
  private final ExportFunction eval;
  private final ExportFunction heapPtrGet;
  private final ExportFunction heapPtrSet;
  private final ExportFunction malloc;
  private final ExportFunction jsonParse;
  private final ExportFunction jsonDump;
  private final int initialHeap;
  private int dataAddr;
  private int inputAddr;

  private OpaInstance(Instance instance) {
    this.instance = instance;
    this.memory = instance.memory();
    this.eval = instance.export("opa_eval");
    this.heapPtrGet = instance.export("opa_heap_ptr_get");
    this.heapPtrSet = instance.export("opa_heap_ptr_set");
    this.malloc = instance.export("opa_malloc");
    this.jsonParse = instance.export("opa_json_parse");
    this.jsonDump = instance.export("opa_json_dump");
    this.initialHeap = call(heapPtrGet);
    this.inputAddr = initialHeap;
  }

  /**
   * Wraps a fresh instance of an OPA policy module; fails when the module does not speak OPA Wasm
   * ABI 1.2 or later (the {@code opa_eval} single-call evaluation).
   */
  static OpaInstance of(Instance instance, String source) throws PolicyLoadException {
    long major;
    long minor;
    try {
      major = instance.exports().global("opa_wasm_abi_version").getValue();
      minor = instance.exports().global("opa_wasm_abi_minor_version").getValue();
    } catch (ChicoryException | IllegalArgumentException e) {
      throw new PolicyLoadException(source + ": not an OPA Wasm policy (no ABI version exported)");
    }
    if (major != 1 || minor < 2) {
      throw new PolicyLoadException(
          source
              + ": OPA Wasm ABI "
              + major
              + "."
              + minor
              + " is not supported (expected 1.2 or later; rebuild with a newer `opa build -t wasm`)");
    }
    try {
      return new OpaInstance(instance);
    } catch (ChicoryException | IllegalArgumentException e) {
      throw new PolicyLoadException(source + ": not an OPA Wasm policy: " + e.getMessage(), e);
    }
  }

  /** The policy's entrypoints, name to id ({@code entrypoints()} export). */
  JsonNode entrypoints() {
    return dumpExport("entrypoints");
  }

  /** The built-in functions the policy asks the host for, name to id ({@code builtins()}). */
  JsonNode builtins() {
    return dumpExport("builtins");
  }

  /**
   * Parses the data document into the heap, once, before any evaluation; {@code null} means an
   * empty document. The heap above it is reused by every evaluation.
   */
  void loadData(String json) {
    byte[] bytes = (json == null ? "{}" : json).getBytes(StandardCharsets.UTF_8);
    call(heapPtrSet, initialHeap);
    int text = call(malloc, bytes.length);
    memory.write(text, bytes);
    dataAddr = call(jsonParse, text, bytes.length);
    if (dataAddr == 0) {
      throw new IllegalStateException("the policy's data document is not JSON");
    }
    inputAddr = call(heapPtrGet);
  }

  /**
   * Evaluates one entrypoint on UTF-8 JSON input and returns the result set as UTF-8 JSON, e.g.
   * {@code [{"result": …}]}.
   */
  byte[] evaluate(int entrypoint, byte[] input) {
    long end = (long) inputAddr + input.length;
    long have = (long) memory.pages() * Memory.PAGE_SIZE;
    if (end > have) {
      int pages = (int) ((end - have + Memory.PAGE_SIZE - 1) / Memory.PAGE_SIZE);
      if (memory.grow(pages) < 0) {
        throw new IllegalStateException(
            "policy memory cap reached by a " + input.length + " B input");
      }
    }
    memory.write(inputAddr, input);
    int result =
        (int) eval.apply(0, entrypoint, dataAddr, inputAddr, input.length, (int) end, 0)[0];
    return readCString(result);
  }

  /** The Chicory instance underneath (tests, diagnostics). */
  Instance instance() {
    return instance;
  }

  private JsonNode dumpExport(String name) {
    int value = call(instance.export(name));
    try {
      return Json.parse(readCString(call(jsonDump, value)));
    } catch (IOException e) {
      throw new IllegalStateException(name + "() did not return JSON", e);
    }
  }

  private byte[] readCString(int addr) {
    if (addr <= 0) {
      throw new IllegalStateException("the policy returned no result");
    }
    int end = addr;
    while (memory.read(end) != 0) {
      end++;
    }
    return memory.readBytes(addr, end - addr);
  }

  private static int call(ExportFunction f, long... args) {
    long[] r = f.apply(args);
    return r == null || r.length == 0 ? 0 : (int) r[0];
  }
}
