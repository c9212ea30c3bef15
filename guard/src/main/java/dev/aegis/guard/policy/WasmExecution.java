package dev.aegis.guard.policy;

/**
 * How Chicory runs the policy's Wasm: from JVM bytecode compiled at build time, interpreted,
 * compiled to JVM bytecode at run time, or interpreted until the compiled code is ready.
 */
public enum WasmExecution {
  /**
   * The default: {@link #PRECOMPILED} for the built-in bundle (or a byte-identical one), {@link
   * #INTERPRETER_THEN_COMPILER} for any other.
   */
  AUTO,
  /**
   * The JVM bytecode the build compiled from the built-in bundle: no interpreter and no compiling
   * at start-up. Any other bundle fails to load in this mode.
   */
  PRECOMPILED,
  /** Chicory's interpreter only: fastest to load, slowest to decide. */
  INTERPRETER,
  /** Chicory's runtime compiler (Wasm to JVM bytecode) only: slower to load, fast to decide. */
  COMPILER,
  /**
   * Decides with the interpreter as soon as it is loaded while the module is compiled in the
   * background, then switches to compiled instances: for a custom bundle whose first decision must
   * come soon after start.
   */
  INTERPRETER_THEN_COMPILER
}
