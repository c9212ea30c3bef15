package dev.aegis.examples;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Wraps a client transport so that every outbound message is handed over from one thread: the SDK's
 * stdio client transport fails messages sent concurrently ("Failed to enqueue message",
 * modelcontextprotocol/java-sdk#875), which concurrent calls plus sampling answers trigger.
 */
final class SerializingClientTransport implements McpClientTransport {

  private final McpClientTransport delegate;
  private final Scheduler sender = Schedulers.newSingle("aegis-client-send", true);

  SerializingClientTransport(McpClientTransport delegate) {
    this.delegate = delegate;
  }

  @Override
  public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
    return delegate.connect(handler);
  }

  @Override
  public void setExceptionHandler(Consumer<Throwable> handler) {
    delegate.setExceptionHandler(handler);
  }

  @Override
  public Mono<Void> sendMessage(JSONRPCMessage message) {
    // defer: the stdio transport enqueues when sendMessage is called, not on subscription.
    return Mono.defer(() -> delegate.sendMessage(message)).subscribeOn(sender);
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
    return delegate.unmarshalFrom(data, typeRef);
  }

  @Override
  public Mono<Void> closeGracefully() {
    return delegate.closeGracefully().doFinally(signal -> sender.dispose());
  }

  @Override
  public void close() {
    delegate.close();
    sender.dispose();
  }

  @Override
  public List<String> protocolVersions() {
    return delegate.protocolVersions();
  }
}
