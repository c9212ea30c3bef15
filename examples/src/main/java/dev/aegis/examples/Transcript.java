package dev.aegis.examples;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What one scripted MCP conversation produced: named steps, each with its result as JSON whose
 * object keys are sorted, so two runs of the same script compare equal with {@link #equals}.
 */
public record Transcript(List<Step> steps) {

  /** Copies the steps. */
  public Transcript {
    steps = List.copyOf(requireNonNull(steps, "steps"));
  }

  /** One step of the conversation: its name and its result as stable JSON. */
  public record Step(String name, String result) {

    /** Checks that both fields are present. */
    public Step {
      requireNonNull(name, "name");
      requireNonNull(result, "result");
    }

    static Step of(String name, Object value) {
      return new Step(name, StableJson.of(value));
    }
  }

  /** Returns the result JSON of the step with this name, failing if there is none. */
  public String result(String name) {
    return steps.stream()
        .filter(step -> step.name().equals(name))
        .map(Step::result)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no step named " + name));
  }

  /** Returns the transcript as a JSON array of {@code {"step", "result"}} objects, one per line. */
  public String toJson() {
    return steps.stream()
        .map(s -> "{\"step\":" + StableJson.of(s.name()) + ",\"result\":" + s.result() + "}")
        .collect(Collectors.joining(",\n", "[\n", "\n]\n"));
  }
}
