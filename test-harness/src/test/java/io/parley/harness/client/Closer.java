package io.parley.harness.client;

import io.parley.client.ParleyClient;
import java.util.ArrayList;
import java.util.List;

/** Closes the clients of one test at its end, waiting for each close to finish. Not thread-safe. */
final class Closer implements AutoCloseable {
  private final List<ParleyClient> clients = new ArrayList<>();

  /** Registers {@code client} and returns it. */
  ParleyClient add(ParleyClient client) {
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    for (ParleyClient client : clients) {
      TestClients.join(client.close());
    }
  }
}
