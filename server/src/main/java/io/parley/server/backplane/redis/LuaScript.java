package io.parley.server.backplane.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Lua script with its SHA-1: sent by {@code EVALSHA}, and by {@code EVAL} (which loads it) when
 * Redis does not know it yet. Immutable and thread-safe.
 */
record LuaScript(String source, String sha) {

  LuaScript(String source) {
    this(source, RedisScripts.sha1(source));
  }

  /** The script's {@code command} ({@code EVALSHA} or {@code EVAL}) request. */
  Request request(Command command, List<String> keys, List<String> args) {
    Request request =
        Request.cmd(command).arg(command == Command.EVALSHA ? sha : source).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  /** Runs the script on one of the client's pooled connections; fails after {@code timeout}. */
  Future<Response> eval(Redis redis, List<String> keys, List<String> args, Duration timeout) {
    return redis
        .send(request(Command.EVALSHA, keys, args))
        .recover(
            failure ->
                isNoScript(failure)
                    ? redis.send(request(Command.EVAL, keys, args))
                    : Future.failedFuture(failure))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether {@code failure} is Redis saying it does not know the script. */
  static boolean isNoScript(Throwable failure) {
    return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
  }
}
