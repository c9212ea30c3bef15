package dev.aegis.core.metrics;

import dev.aegis.core.guard.Decision;

/**
 * Where the proxy reports what it measures: policy decisions and store commits. Keeps proxy-core
 * free of any metrics library; the command line implements it (Micrometer, Prometheus text).
 *
 * <p>Threading: every method may be called from any thread, including an engine's or the store's,
 * and must return quickly without blocking or throwing.
 */
public interface ProxyMetrics {

  /** Reports nothing. */
  ProxyMetrics NOOP =
      new ProxyMetrics() {
        @Override
        public void decided(String engine, Decision decision, long nanos) {}

        @Override
        public void committed(boolean ok, long nanos) {}
      };

  /** One decision of {@code engine}, and how long the engine took. */
  void decided(String engine, Decision decision, long nanos);

  /** One append made durable ({@code ok}) or failed, and how long it took from submission. */
  void committed(boolean ok, long nanos);
}
