package dev.aegis.guard.policy;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What Aegis gives an OPA policy module it instantiates itself: the linear memory, {@code
 * opa_abort}, {@code opa_println} and the {@code opa_builtinN} calls. It provides no built-in
 * function, so it hosts only modules whose {@code builtins()} is empty; modules that need some are
 * hosted by opa-java-wasm instead (see {@link PolicyModule}).
 *
 * <p>Failure: {@code opa_abort} and a call to a built-in throw {@link OpaAbort}, which ends the
 * evaluation (the caller fails the decision closed and drops the instance).
 */
final class OpaHost {
  private OpaHost() {}

  /** The policy called {@code opa_abort}, or a built-in function this host does not have. */
  static final class OpaAbort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OpaAbort(String message) {
      super(message);
    }
  }

  /** The imports of one instance, around its own memory. */
  static ImportValues imports(Memory memory) {
    List<ValType> i32 = List.of(ValType.I32);
    ImportValues.Builder b =
        ImportValues.builder()
            .addMemory(new ImportMemory("env", "memory", memory))
            .addFunction(
                new HostFunction(
                    "env",
                    "opa_abort",
                    i32,
                    List.of(),
                    (instance, args) -> {
                      throw new OpaAbort("opa_abort: " + cString(instance, (int) args[0]));
                    }))
            .addFunction(
                // Policy print() output could echo tool arguments: not logged.
                new HostFunction("env", "opa_println", i32, List.of(), (instance, args) -> null));
    for (int arity = 0; arity <= 4; arity++) {
      // (builtin id, opa_eval context, arguments…) → value address
      List<ValType> params = new ArrayList<>(Collections.nCopies(2 + arity, ValType.I32));
      int n = arity;
      b.addFunction(
          new HostFunction(
              "env",
              "opa_builtin" + arity,
              params,
              i32,
              (instance, args) -> {
                throw new OpaAbort(
                    "built-in function #" + args[0] + "/" + n + " is not provided by this host");
              }));
    }
    return b.build();
  }

  private static String cString(Instance instance, int addr) {
    try {
      return instance.memory().readCString(addr);
    } catch (RuntimeException e) {
      return "(unreadable message)";
    }
  }
}
