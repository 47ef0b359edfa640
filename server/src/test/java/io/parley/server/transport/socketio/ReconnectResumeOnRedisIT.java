package io.parley.server.transport.socketio;

import io.parley.server.backplane.redis.RedisKeys;
import io.parley.server.backplane.redis.RedisProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterAll;

/** Every {@link ReconnectResumeIT} case again, with the Redis backplane. */
@QuarkusTest
@TestProfile(RedisProfile.class)
class ReconnectResumeOnRedisIT extends ReconnectResumeIT {
  @AfterAll
  static void deleteKeys() {
    RedisKeys.deleteUnder(RedisProfile.PREFIX);
  }
}
