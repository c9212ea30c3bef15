package dev.aegis.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects the JVM's shared {@link PostgresServer} into test constructors,
 * lifecycle and test methods; a server that cannot be had fails the test, never skips it.
 */
public final class PostgresExtension implements ParameterResolver {

  /** Resolves parameters of type {@link PostgresServer}. */
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PostgresServer.class;
  }

  /** Returns the shared server, starting it on first use. */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return PostgresServer.shared();
  }
}
