package dev.aegis.examples;

import static dev.aegis.examples.ExampleServerSessionTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.examples.ScriptedSession.Script;
import dev.aegis.testsupport.NodePeers;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class EverythingServerSessionTest {

  @Test
  void scriptedSessionIsRepeatableAndCoversEveryRoundTrip() throws Exception {
    Transcript first =
        ScriptedSession.run(Script.EVERYTHING, NodePeers.everythingServer(), Map.of());
    Transcript second =
        ScriptedSession.run(Script.EVERYTHING, NodePeers.everythingServer(), Map.of());

    assertThat(second).isEqualTo(first);
    assertThat(first.result("initialize")).contains("\"name\":\"mcp-servers/everything\"");
    assertThat(first.result("tools/list"))
        .contains(
            "\"name\":\"" + EverythingScript.SAMPLING + "\"",
            "\"name\":\"" + EverythingScript.ELICITATION + "\"");
    assertThat(first.result("echo")).contains("Echo: hello through aegis");
    assertThat(first.result("get-sum")).contains("The sum of 2 and 3 is 5.");
    assertThat(first.result(EverythingScript.STRUCTURED))
        .contains("\"structuredContent\":{\"conditions\":\"Light rain / drizzle\"");
    assertThat(parse(first.result(EverythingScript.LONG_RUNNING + " progress"))).hasSize(5);
    assertThat(first.result(EverythingScript.SAMPLING)).contains(ScriptedClient.MODEL_TEXT);
    assertThat(first.result(EverythingScript.ELICITATION))
        .contains("User provided the requested information", "Name: Aegis Tester");
    assertThat(parse(first.result("concurrent"))).hasSize(EverythingScript.BATCH);
    assertThat(parse(first.result("concurrent progress 4"))).hasSize(2);
    assertThat(first.result("server requests"))
        .contains("Please provide inputs", "context: What does Aegis do?", "context: concurrent 7");
  }
}
