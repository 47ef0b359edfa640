package io.parley.server.backplane.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** Reads and deletes the keys under one test prefix of the machine's Redis; never anything else. */
public final class RedisKeys {
  public static final String URL = "redis://127.0.0.1:6379";

  private RedisKeys() {}

  /** The keys under {@code prefix}. */
  public static List<String> under(String prefix) {
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, URL);
    try {
      List<String> keys = new ArrayList<>();
      String cursor = "0";
      do {
        Response page =
            send(redis, Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*"));
        cursor = page.get(0).toString();
        for (Response key : page.get(1)) {
          keys.add(key.toString());
        }
      } while (!cursor.equals("0"));
      return keys;
    } finally {
      redis.close();
      vertx.close();
    }
  }

  /** Deletes the keys under {@code prefix}; a prefix must be a test's own. */
  public static void deleteUnder(String prefix) {
    if (!prefix.startsWith("parley-test:")) {
      throw new IllegalArgumentException("not a test prefix: " + prefix);
    }
    List<String> keys = under(prefix);
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, URL);
    try {
      for (String key : keys) {
        send(redis, Request.cmd(Command.DEL).arg(key));
      }
    } finally {
      redis.close();
      vertx.close();
    }
  }

  private static Response send(Redis redis, Request request) {
    return redis.send(request).toCompletionStage().toCompletableFuture().join();
  }
}
