package dev.aegis.transport.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The I/O transport of the gateway: Linux epoll when Netty's native library loads (fewer system
 * calls and no selector wake-ups), else the JDK's NIO. {@code -Daegis.netty.nio=true} forces NIO.
 * Chosen once per process; listener, event loops and upstream connections all use the same one.
 */
enum NettyTransport {
  EPOLL,
  NIO;

  private static final NettyTransport CHOSEN =
      !Boolean.getBoolean("aegis.netty.nio") && Epoll.isAvailable() ? EPOLL : NIO;

  /** The transport of this process. */
  static NettyTransport chosen() {
    return CHOSEN;
  }

  IoHandlerFactory ioHandler() {
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
