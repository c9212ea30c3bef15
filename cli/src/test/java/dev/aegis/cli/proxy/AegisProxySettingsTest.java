package dev.aegis.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.core.chain.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AegisProxySettingsTest {
  @TempDir Path dir;

  private static ProxySettings parse(String... args) {
    AegisProxy cmd = new AegisProxy(null);
    CommandLine cl = new CommandLine(cmd);
    cl.setStopAtPositional(true);
    cl.parseArgs(args);
    return cmd.settings();
  }

  @Test
  void defaults() {
    ProxySettings s = parse("--store", "sqlite:x.db", "--", "server", "-y");
    assertThat(s.tenant()).isEqualTo("default");
    assertThat(s.durability()).isEqualTo(Durability.FULL);
    assertThat(s.maxFrameBytes()).isEqualTo(16 * 1024 * 1024);
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.sessionGenerated()).isTrue();
    assertThat(s.checkpointEvery()).isEqualTo(1000);
    assertThat(s.checkpointKey()).isNull();
    assertThat(s.session()).matches("s-\\d{8}T\\d{6}Z-[0-9a-f]{12}");
    assertThat(s.command()).containsExactly("server", "-y");
  }

  @Test
  void theUpstreamIsNamedByTheServersArgvUnlessGiven() throws Exception {
    ProxySettings a = parse("--store", "sqlite:x.db", "--", "/usr/bin/npx", "-y", "server-x");
    assertThat(a.upstreamId()).matches("stdio:npx:[0-9a-f]{16}");
    assertThat(parse("--store", "sqlite:y.db", "--", "/usr/bin/npx", "-y", "server-x").upstreamId())
        .as("the same command line, whatever the other flags")
        .isEqualTo(a.upstreamId());
    assertThat(parse("--", "/usr/bin/npx", "-y", "server-y").upstreamId())
        .isNotEqualTo(a.upstreamId());
    assertThat(parse("--upstream-id", "notes", "--", "npx").upstreamId()).isEqualTo("notes");
    Path yaml = dir.resolve("aegis.yaml");
    Files.writeString(yaml, "upstream-id: from-file\n");
    assertThat(parse("--config", yaml.toString(), "--", "npx").upstreamId()).isEqualTo("from-file");
    assertThatThrownBy(() -> parse("--upstream-id", " x", "--", "npx"))
        .hasMessageStartingWith("upstream-id: ' x' (expected: 1-200 characters");
  }

  @Test
  void optionsEndAtTheFirstPositionalSoServerFlagsPassThrough() {
    ProxySettings s = parse("--store", "sqlite:x.db", "npx", "-y", "--tenant", "x");
    assertThat(s.command()).containsExactly("npx", "-y", "--tenant", "x");
    assertThat(s.tenant()).isEqualTo("default");
  }

  @Test
  void configFileFillsInAndFlagsWin() throws Exception {
    Path yaml = dir.resolve("aegis.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "store: sqlite:/tmp/from-file.db",
            "tenant: acme",
            "durability: normal",
            "max-frame-bytes: 1MiB",
            "shutdown-grace: 2s",
            "session: fixed"));
    ProxySettings s = parse("--config", yaml.toString(), "--tenant", "flag", "--", "srv");
    assertThat(s.storeUrl()).isEqualTo("sqlite:/tmp/from-file.db");
    assertThat(s.tenant()).isEqualTo("flag");
    assertThat(s.durability()).isEqualTo(Durability.NORMAL);
    assertThat(s.maxFrameBytes()).isEqualTo(1 << 20);
    assertThat(s.shutdownGrace()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.session()).isEqualTo("fixed");
    assertThat(s.sessionGenerated()).isFalse();
  }

  @Test
  void repeatableFlagsTakeAListInTheFileAndTheNewKeysAreRead() throws Exception {
    Path yaml = dir.resolve("aegis.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "trusted-key: [/k/a.pub, /k/b.pub]",
            "opa-bundle-dir:",
            "  - /p/aegis",
            "body-keys: /var/keys",
            "approval-notify: https://hooks.example.com/a",
            "rate-limit: tool=5/m"));
    ProxySettings s = parse("--config", yaml.toString(), "--", "srv");
    assertThat(s.trustedKeys()).containsExactly(Path.of("/k/a.pub"), Path.of("/k/b.pub"));
    assertThat(s.opaBundleDirs()).containsExactly(Path.of("/p/aegis"));
    assertThat(s.bodyKeys()).isEqualTo(Path.of("/var/keys"));
    assertThat(s.approvalNotify()).hasToString("https://hooks.example.com/a");
    assertThat(s.rateLimits().spec()).isEqualTo("tool=5/m");
    ProxySettings flags =
        parse("--config", yaml.toString(), "--trusted-key", "/k/c.pub", "--", "srv");
    assertThat(flags.trustedKeys()).as("flags win").containsExactly(Path.of("/k/c.pub"));

    Files.writeString(yaml, "trusted-key: [{nested: 1}]\n");
    assertThatThrownBy(() -> parse("--config", yaml.toString(), "--", "srv"))
        .hasMessageContaining("key 'trusted-key' (expected: a scalar value or a list of them)");
    Files.writeString(yaml, "approval-notify: ftp://x\n");
    assertThatThrownBy(() -> parse("--config", yaml.toString(), "--", "srv"))
        .hasMessageContaining("approval-notify: ftp://x (expected: an http:// or https:// URL)");
  }

  @Test
  void badValuesNameTheFieldAndWhatWasExpected() throws Exception {
    Path yaml = dir.resolve("typo.yaml");
    Files.writeString(yaml, "tenant: a\nmax_frame_bytes: 5\n");
    assertThatThrownBy(() -> parse("--config", yaml.toString(), "--", "srv"))
        .hasMessageContaining("unknown key 'max_frame_bytes'")
        .hasMessageContaining("max-frame-bytes");
    assertThatThrownBy(() -> parse("--max-frame-bytes", "0", "--", "srv"))
        .hasMessage("max-frame-bytes: 0 (expected: > 0)");
    assertThatThrownBy(() -> parse("--max-frame-bytes", "lots", "--", "srv"))
        .hasMessageContaining("max-frame-bytes: lots");
    assertThatThrownBy(() -> parse("--shutdown-grace", "soon", "--", "srv"))
        .hasMessageContaining("shutdown-grace: soon");
    assertThatThrownBy(() -> parse("--checkpoint-every", "0", "--", "srv"))
        .hasMessage("checkpoint-every: 0 (expected: > 0)");
    assertThatThrownBy(() -> parse("--checkpoint-every", "often", "--", "srv"))
        .hasMessageContaining("checkpoint-every: often");
    assertThatThrownBy(() -> parse("--tenant", " padded", "--", "srv"))
        .hasMessageContaining("tenant");
    assertThatThrownBy(() -> parse("--store", "sqlite:x"))
        .hasMessageContaining("missing MCP server command");
    assertThatThrownBy(() -> parse("--config", dir.resolve("none.yaml").toString(), "--", "s"))
        .hasMessageContaining("cannot read");
  }

  @Test
  void sessionIdsAreUnique() {
    assertThat(List.of(SessionIds.next(), SessionIds.next(), SessionIds.next()))
        .doesNotHaveDuplicates();
  }

  @Test
  void listenAndUpstreamSelectStreamableHttp() throws Exception {
    ProxySettings s = parse("--listen", "8080", "--upstream", "http://srv:3001/mcp");
    assertThat(s.command()).isEmpty();
    assertThat(s.http().host()).isEqualTo("127.0.0.1");
    assertThat(s.http().port()).isEqualTo(8080);
    assertThat(s.http().mcpPath()).isEqualTo("/mcp");
    assertThat(s.http().sessionIdle()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.upstreamId()).isEqualTo("http:srv:3001/mcp");
    assertThat(parse("--store", "sqlite:x.db", "--", "npx").http()).isNull();
    ProxySettings t =
        parse(
            "--listen",
            "0.0.0.0:9000",
            "--upstream",
            "http://srv/mcp",
            "--mcp-path",
            "/agent",
            "--session-idle",
            "90s");
    assertThat(t.http().host()).isEqualTo("0.0.0.0");
    assertThat(t.http().mcpPath()).isEqualTo("/agent");
    assertThat(t.http().sessionIdle()).isEqualTo(Duration.ofSeconds(90));
    Path yaml = dir.resolve("http.yaml");
    Files.writeString(yaml, "listen: \"[::1]:7000\"\nupstream: http://srv:1/mcp\n");
    ProxySettings y = parse("--config", yaml.toString());
    assertThat(y.http().host()).isEqualTo("::1");
    assertThat(y.http().port()).isEqualTo(7000);
  }

  @Test
  void listenWithACommandBridgesAStdioServer() {
    ProxySettings s = parse("--listen", "8080", "--", "/usr/bin/npx", "-y", "server-x");
    assertThat(s.http().upstream()).isNull();
    assertThat(s.command()).containsExactly("/usr/bin/npx", "-y", "server-x");
    assertThat(s.upstreamId()).matches("stdio:npx:[0-9a-f]{16}");
  }

  @Test
  void upstreamWithoutListenServesStdioToAnHttpServer() throws Exception {
    ProxySettings s =
        parse(
            "--upstream",
            "https://srv:8443/mcp",
            "--upstream-header",
            "Authorization: Bearer t0k",
            "--upstream-header",
            "X-Tenant: a");
    assertThat(s.http()).isNull();
    assertThat(s.command()).isEmpty();
    assertThat(s.httpUpstream().url().toString()).isEqualTo("https://srv:8443/mcp");
    assertThat(s.httpUpstream().headers())
        .extracting(h -> h.name() + "=" + h.value())
        .containsExactly("Authorization=Bearer t0k", "X-Tenant=a");
    assertThat(s.httpUpstream().toString()).doesNotContain("t0k");
    assertThat(s.upstreamId()).isEqualTo("https:srv:8443/mcp");
    Path yaml = dir.resolve("aegis.yaml");
    Files.writeString(
        yaml,
        "upstream: http://srv:1/mcp\nupstream-header: |\n  Authorization: Bearer f\n  X-A: b\n");
    ProxySettings f = parse("--config", yaml.toString(), "--session", "one");
    assertThat(f.httpUpstream().headers()).hasSize(2);
    assertThat(f.session()).isEqualTo("one");
    assertThatThrownBy(() -> parse("--upstream", "http://s/mcp", "--", "npx"))
        .hasMessageStartingWith("upstream: given with -- CMD");
    assertThatThrownBy(
            () ->
                parse(
                    "--listen", "8080", "--upstream", "http://s/mcp", "--upstream-header", "A: b"))
        .hasMessageStartingWith("upstream-header: given with --listen");
    assertThatThrownBy(() -> parse("--upstream", "http://s/mcp", "--upstream-header", "Host: x"))
        .hasMessageStartingWith("upstream-header: Host");
  }

  @Test
  void httpModeRefusesWhatItCannotDoYet() {
    assertThatThrownBy(() -> parse("--listen", "8080")).hasMessageStartingWith("upstream: missing");
    assertThatThrownBy(() -> parse("--listen", "8080", "--upstream", "ftp://srv/mcp"))
        .hasMessageStartingWith("upstream: ftp://srv/mcp (expected: http://");
    assertThatThrownBy(() -> parse("--listen", "8080", "--upstream", "http://s/mcp", "--", "npx"))
        .hasMessageStartingWith("upstream: given with -- CMD");
    assertThatThrownBy(
            () -> parse("--listen", "8080", "--upstream", "http://s/mcp", "--session", "x"))
        .hasMessageStartingWith("session: not allowed with --listen");
    assertThatThrownBy(() -> parse("--listen", "host:http", "--upstream", "http://s/mcp"))
        .hasMessageStartingWith("listen: host:http (expected: HOST:PORT or PORT)");
  }

  @Test
  void hardeningFlagsEndInTheSettingsAndAreCheckedTogether() {
    ProxySettings s =
        parse(
            "--listen",
            "8080",
            "--upstream",
            "https://srv/mcp",
            "--tls-cert",
            "c.pem",
            "--tls-key",
            "k.pem",
            "--allowed-origins",
            "https://a.example, http://b.example:8080",
            "--max-body-bytes",
            "1MiB",
            "--rate-limit",
            "tool:exec=5/m");
    assertThat(s.upstreamId()).isEqualTo("https:srv/mcp");
    assertThat(s.http().hardening().tls().mutual()).isFalse();
    assertThat(s.http().hardening().allowedOrigins())
        .containsExactly("https://a.example", "http://b.example:8080");
    assertThat(s.http().hardening().maxRequestBytes()).isEqualTo(1 << 20);
    assertThat(s.rateLimits().tools().get("exec").permits()).isEqualTo(5);
    assertThatThrownBy(
            () -> parse("--listen", "8080", "--upstream", "http://s/m", "--tls-cert", "c"))
        .hasMessageStartingWith("tls-cert, tls-key: key missing");
    assertThatThrownBy(() -> parse("--allowed-origins", "*", "--", "srv"))
        .hasMessageContaining("given without --listen");
    assertThatThrownBy(() -> parse("--admin-tls-cert", "c", "--admin-tls-key", "k", "--", "srv"))
        .hasMessageStartingWith("admin-tls-cert: given without --admin-listen");
    assertThatThrownBy(() -> parse("--rate-limit", "tool=fast", "--", "srv"))
        .hasMessageStartingWith("rate-limit: tool=fast");
  }
}
