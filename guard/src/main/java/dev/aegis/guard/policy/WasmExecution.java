package dev.aegis.guard.policy;

/** How Chicory runs the policy's Wasm: interpreted, compiled to JVM bytecode, or both in turn. */
public enum WasmExecution {
  /** Chicory's interpreter only: fastest to load, slowest to decide. */
  INTERPRETER,
  /** Chicory's runtime compiler (Wasm to JVM bytecode) only: slower to load, fastest to decide. */
  COMPILER,
  /**
   * Decides with the interpreter as soon as it is loaded while the compiled instances are built in
   * the background, then switches to them: the default, for a wrapper whose first decision must
   * come soon after start.
   */
  INTERPRETER_THEN_COMPILER
}
