package dev.aegis.guard.policy;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.styra.opa.wasm.DefaultMappers;
import com.styra.opa.wasm.OpaWasm;
import dev.aegis.guard.policy.aot.AegisDecideModule;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Makes Chicory instances of one bundle's Wasm module, in one of three ways: {@link
 * Kind#PRECOMPILED} (the JVM bytecode the build made from the built-in bundle: no interpreter, no
 * compiling at run time), {@link Kind#INTERPRETED} or {@link Kind#COMPILED} (Chicory's run-time
 * compiler, run once per module and shared by every instance).
 *
 * <p>Instances are hosted by {@link OpaHost} unless the module asks the host for built-in functions
 * ({@link #needsHostBuiltins}); those are hosted by opa-java-wasm, which provides a few (and parses
 * and compiles the module once per instance).
 *
 * <p>Threading: confined to the engine's loader thread. Failures: {@link #instantiate} throws what
 * Chicory throws for a module it cannot parse, link or compile.
 */
final class PolicyModule {
  /** How an instance runs the module's code. */
  enum Kind {
    PRECOMPILED,
    INTERPRETED,
    COMPILED
  }

  private final PolicyBundle bundle;
  private WasmModule parsed;
  private Function<Instance, Machine> compiled;
  private boolean hostBuiltins;

  PolicyModule(PolicyBundle bundle) {
    this.bundle = bundle;
  }

  /** Whether the bundle's Wasm is byte for byte the built-in one compiled at build time. */
  static boolean precompiled(PolicyBundle bundle) {
    return Arrays.equals(bundle.wasmUnsafe(), BuiltInWasm.BYTES);
  }

  /** From now on, instances are hosted by opa-java-wasm for its built-in functions. */
  void needsHostBuiltins() {
    hostBuiltins = true;
  }

  /** A fresh instance, its memory initialised, no data loaded yet. */
  OpaInstance instantiate(Kind kind) throws PolicyLoadException {
    if (hostBuiltins) {
      return OpaInstance.of(opaJavaWasm(kind), bundle.source());
    }
    ByteArrayMemory memory = memory();
    Instance.Builder b;
    if (kind == Kind.PRECOMPILED) {
      if (!precompiled(bundle)) {
        throw new PolicyLoadException(
            bundle.source()
                + ": no build-time compiled code for this bundle (only the built-in one)");
      }
      b = Instance.builder(AegisDecideModule.load()).withMachineFactory(AegisDecideModule::create);
    } else {
      b = Instance.builder(parsed());
      if (kind == Kind.COMPILED) {
        b.withMachineFactory(compiled());
      }
    }
    Instance instance = b.withImportValues(OpaHost.imports(memory)).build();
    return OpaInstance.of(instance, bundle.source());
  }

  private WasmModule parsed() {
    if (parsed == null) {
      parsed = Parser.parse(bundle.wasmUnsafe());
    }
    return parsed;
  }

  private Function<Instance, Machine> compiled() {
    if (compiled == null) {
      compiled = MachineFactoryCompiler.compile(parsed());
    }
    return compiled;
  }

  private Instance opaJavaWasm(Kind kind) {
    OpaWasm.Builder b =
        OpaWasm.builder()
            .withInputStream(new ByteArrayInputStream(bundle.wasmUnsafe()))
            .withJsonMapper(DefaultMappers.jsonMapper)
            .withYamlMapper(DefaultMappers.yamlMapper)
            .withMemory(memory());
    if (kind == Kind.INTERPRETED) {
      b.disableCompiler();
    }
    return b.build().instance();
  }

  private static ByteArrayMemory memory() {
    return new ByteArrayMemory(
        new MemoryLimits(WasmInstances.INITIAL_MEMORY_PAGES, WasmInstances.MAX_MEMORY_PAGES));
  }

  /** The built-in bundle's Wasm, read once, to tell whether a bundle is the precompiled one. */
  private static final class BuiltInWasm {
    static final byte[] BYTES = read();

    private static byte[] read() {
      try (InputStream in =
          PolicyModule.class.getResourceAsStream(PolicyBundle.BUILT_IN_RESOURCE)) {
        return in == null ? new byte[0] : in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
