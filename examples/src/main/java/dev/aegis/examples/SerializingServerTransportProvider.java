package dev.aegis.examples;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Wraps a server transport provider so that every outbound message is handed over from one thread:
 * the SDK's stdio transport drops messages sent concurrently ("Failed to enqueue message",
 * modelcontextprotocol/java-sdk#686), which concurrent tool calls trigger.
 */
final class SerializingServerTransportProvider implements McpServerTransportProvider {

  private final McpServerTransportProvider delegate;
  private final Scheduler sender = Schedulers.newSingle("aegis-server-send", true);

  SerializingServerTransportProvider(McpServerTransportProvider delegate) {
    this.delegate = delegate;
  }

  @Override
  public void setSessionFactory(McpServerSession.Factory sessionFactory) {
    delegate.setSessionFactory(transport -> sessionFactory.create(new Serialized(transport)));
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    return delegate.notifyClients(method, params);
  }

  @Override
  public Mono<Void> notifyClient(String sessionId, String method, Object params) {
    return delegate.notifyClient(sessionId, method, params);
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

  private final class Serialized implements McpServerTransport {

    private final McpServerTransport transport;

    Serialized(McpServerTransport transport) {
      this.transport = transport;
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
      return Mono.defer(() -> transport.sendMessage(message)).subscribeOn(sender);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return transport.unmarshalFrom(data, typeRef);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return transport.closeGracefully();
    }

    @Override
    public void close() {
      transport.close();
    }

    @Override
    public List<String> protocolVersions() {
      return transport.protocolVersions();
    }
  }
}
