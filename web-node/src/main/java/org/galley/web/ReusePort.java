package org.galley.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import org.apache.pekko.io.Inet;

/**
 * SO_REUSEPORT on the HTTP listening socket, set before it binds: several web processes (of one
 * user) then listen on one port and Linux spreads new connections over them. While one of them
 * restarts, the others keep the public address answering, like uWSGI's zerg mode.
 */
final class ReusePort extends Inet.AbstractSocketOptionV2 {
  static final ReusePort INSTANCE = new ReusePort();

  private ReusePort() {}

  @Override
  public void beforeServerSocketBind(ServerSocket socket) {
    try {
      socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    } catch (IOException e) {
      throw new UncheckedIOException("setting SO_REUSEPORT on the HTTP socket failed", e);
    }
  }
}
