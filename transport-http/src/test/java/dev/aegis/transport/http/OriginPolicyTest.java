package dev.aegis.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  private static OriginPolicy policy(boolean loopback, String... allowed) {
    return new OriginPolicy(
        new HttpHardening(null, List.of(allowed), 1024, 4096, null).allowedOrigins(), loopback);
  }

  @Test
  void absentOriginPassesAndLoopbackOriginsPassOnlyOnALoopbackListener() {
    OriginPolicy onLoopback = policy(true);
    assertThat(onLoopback.allowsOrigin(null)).isTrue();
    assertThat(onLoopback.allowsOrigin("http://localhost:5173")).isTrue();
    assertThat(onLoopback.allowsOrigin("http://127.0.0.1")).isTrue();
    assertThat(onLoopback.allowsOrigin("https://[::1]:8443")).isTrue();
    assertThat(onLoopback.allowsOrigin("http://localhost.evil.example")).isFalse();
    assertThat(onLoopback.allowsOrigin("null")).isFalse();
    assertThat(onLoopback.allowsOrigin("file://")).isFalse();
    assertThat(policy(false).allowsOrigin("http://localhost:5173")).isFalse();
    assertThat(policy(false).allowsOrigin(null)).isTrue();
  }

  @Test
  void listedOriginsMatchWithoutCaseOrTrailingSlashAndStarAllowsAny() {
    OriginPolicy p = policy(false, "https://App.example/", "http://10.0.0.5:8080");
    assertThat(p.allowsOrigin("https://app.example")).isTrue();
    assertThat(p.allowsOrigin("http://10.0.0.5:8080")).isTrue();
    assertThat(p.allowsOrigin("http://10.0.0.5:8081")).isFalse();
    assertThat(p.allowsOrigin("http://app.example")).isFalse();
    assertThat(policy(false, "*").allowsOrigin("https://anything.example")).isTrue();
  }

  @Test
  void onALoopbackListenerHostMustNameLoopbackOrAnAllowedOriginsHost() {
    OriginPolicy p = policy(true, "https://app.example");
    assertThat(p.allowsHost("127.0.0.1:8080")).isTrue();
    assertThat(p.allowsHost("localhost")).isTrue();
    assertThat(p.allowsHost("[::1]:8080")).isTrue();
    assertThat(p.allowsHost("app.example")).isTrue();
    assertThat(p.allowsHost("rebound.example:8080")).isFalse();
    assertThat(p.allowsHost(null)).isTrue();
    assertThat(policy(false).allowsHost("proxy.internal:8080")).isTrue();
  }

  @Test
  void malformedOriginsAreRefusedAtConfiguration() {
    assertThatThrownBy(() -> policy(false, "app.example"))
        .hasMessageContaining("expected: scheme://host[:port] or *");
  }
}
