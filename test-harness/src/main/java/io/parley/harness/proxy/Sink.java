package io.parley.harness.proxy;

import java.nio.ByteBuffer;

/**
 * Receives the data flowing one way through a connection: the next fault stage, or the writer to
 * the destination socket. Loop thread only.
 */
interface Sink {

  /** Takes ownership of {@code data} between its position and limit; the caller lets go of it. */
  void accept(ByteBuffer data);

  /** The source has ended (EOF); nothing more is accepted. */
  void end();
}
