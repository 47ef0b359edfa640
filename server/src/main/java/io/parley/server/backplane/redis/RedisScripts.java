package io.parley.server.backplane.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts the Redis backplane runs, each one atomic step on one channel's keys (all in one
 * hash slot). Times are Redis' own clock ({@code TIME}, milliseconds), so nodes' clocks never
 * disagree about an age. A history entry is {@code "<appendedAtMs> <seq> <body>"}; a fan-out
 * message is {@code "<channel> <epoch> <seq> <body>"} (channel names and epochs hold no space).
 * Immutable and thread-safe.
 */
final class RedisScripts {

  /** The Lua fragment that drops history entries older than {@code maxAge} ms from the head. */
  private static final String TRIM_BY_AGE =
      """
      local function trimByAge(hist, now, maxAge)
        while true do
          local head = redis.call('LINDEX', hist, 0)
          if not head then return end
          local at = tonumber(string.match(head, '^(%d+) '))
          if now - at <= maxAge then return end
          redis.call('LPOP', hist)
        end
      end
      local function nowMs()
        local t = redis.call('TIME')
        return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      end
      """;

  /**
   * Publish. KEYS: meta hash, history list, idempotency key. ARGV: candidate epoch, body, history
   * size, history max age ms, idempotency window ms, channel ttl ms, fan-out channel, channel name.
   * Returns {@code {1, "epoch seq"}} for a new message, {@code {0, "epoch seq"}} for a duplicate.
   */
  static final String PUBLISH =
      TRIM_BY_AGE
          + """
          local earlier = redis.call('GET', KEYS[3])
          if earlier then return {0, earlier} end
          redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
          local epoch = redis.call('HGET', KEYS[1], 'epoch')
          local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
          redis.call('PEXPIRE', KEYS[1], ARGV[6])
          local size = tonumber(ARGV[3])
          if size > 0 then
            local now = nowMs()
            redis.call('RPUSH', KEYS[2], now .. ' ' .. seq .. ' ' .. ARGV[2])
            redis.call('LTRIM', KEYS[2], -size, -1)
            trimByAge(KEYS[2], now, tonumber(ARGV[4]))
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
          end
          local position = epoch .. ' ' .. seq
          redis.call('SET', KEYS[3], position, 'PX', ARGV[5])
          redis.call('PUBLISH', ARGV[7], ARGV[8] .. ' ' .. position .. ' ' .. ARGV[2])
          return {1, position}
          """;

  /**
   * Replay. KEYS: meta hash, history list. ARGV: candidate epoch (for a channel Redis holds nothing
   * of), history max age ms, channel ttl ms, the reader's epoch ("" for none), the reader's seq,
   * limit. Returns {@code {epoch, lastSeq, firstRetainedSeq, entry...}}: the entries after the
   * point the reader resumes from, at most limit + 1 (one more tells that the read was cut).
   */
  static final String REPLAY =
      TRIM_BY_AGE
          + """
          redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
          local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
          local epoch = meta[1]
          local last = tonumber(meta[2] or '0')
          trimByAge(KEYS[2], nowMs(), tonumber(ARGV[2]))
          local first = last + 1
          local head = redis.call('LINDEX', KEYS[2], 0)
          if head then first = tonumber(string.match(head, '^%d+ (%d+) ')) end
          local result = {epoch, last, first}
          if ARGV[4] == '' then return result end
          local since = tonumber(ARGV[5])
          local resumeAfter = 0
          if ARGV[4] == epoch or since == 0 then resumeAfter = since end
          if ARGV[4] == epoch and since > last then return result end
          local from = math.max(resumeAfter + 1 - first, 0)
          local entries = redis.call('LRANGE', KEYS[2], from, from + tonumber(ARGV[6]))
          for i = 1, #entries do result[#result + 1] = entries[i] end
          return result
          """;

  /**
   * What is held. KEYS: meta hash, history list. ARGV: history max age ms. Returns {@code {epoch,
   * lastSeq, historyMessages, lastMinute}}, or an empty array when Redis holds nothing of it.
   */
  static final String HELD =
      TRIM_BY_AGE
          + """
          local meta = redis.call('HMGET', KEYS[1], 'epoch', 'seq')
          if not meta[1] then return {} end
          local now = nowMs()
          trimByAge(KEYS[2], now, tonumber(ARGV[1]))
          local entries = redis.call('LRANGE', KEYS[2], 0, -1)
          local recent = 0
          for i = #entries, 1, -1 do
            if now - tonumber(string.match(entries[i], '^(%d+) ')) > 60000 then break end
            recent = recent + 1
          end
          return {meta[1], tonumber(meta[2] or '0'), #entries, recent}
          """;

  /**
   * A node's heartbeat. KEYS: the node set (sorted set: member to last heartbeat, Redis time), the
   * node's report key. ARGV: member, report JSON, ms after which a silent node counts as dead, ms
   * after which a dead node is forgotten. Returns {@code {live members, dead members}}, both in
   * member order.
   */
  static final String HEARTBEAT =
      TRIM_BY_AGE
          + """
          local now = nowMs()
          local deadAfter = tonumber(ARGV[3])
          redis.call('ZADD', KEYS[1], now, ARGV[1])
          redis.call('SET', KEYS[2], ARGV[2], 'PX', deadAfter)
          redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[4]))
          redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
          local live = redis.call('ZRANGEBYSCORE', KEYS[1], now - deadAfter, '+inf')
          local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - deadAfter))
          table.sort(live)
          table.sort(dead)
          return {live, dead}
          """;

  /**
   * A node leaving on purpose. KEYS: the node set, the node's report key. ARGV: member, ms after
   * which a silent node counts as dead. Dates its last heartbeat back so that it counts as dead at
   * once (and is forgotten with the others): other nodes stop counting its connections now rather
   * than when its heartbeat would have aged out.
   */
  static final String LEAVE =
      TRIM_BY_AGE
          + """
          redis.call('ZADD', KEYS[1], nowMs() - tonumber(ARGV[2]) - 1, ARGV[1])
          redis.call('DEL', KEYS[2])
          return 1
          """;

  /**
   * One subject's connections over every node, a hash of member to count. KEYS: the subject's
   * connection count hash. ARGV: member, {@code 1} (count in) or {@code -1} (count out), limit, ttl
   * ms, then the members known dead, whose counts are dropped first. Counting in returns 1 when the
   * subject had fewer than the limit (and counts it), 0 otherwise; counting out returns 1.
   */
  static final String COUNT_CONNECTION =
      """
      local key = KEYS[1]
      if ARGV[2] == '-1' then
        if redis.call('HINCRBY', key, ARGV[1], -1) <= 0 then redis.call('HDEL', key, ARGV[1]) end
        return 1
      end
      for i = 5, #ARGV do redis.call('HDEL', key, ARGV[i]) end
      local total = 0
      for _, count in ipairs(redis.call('HVALS', key)) do total = total + tonumber(count) end
      if total >= tonumber(ARGV[3]) then return 0 end
      redis.call('HINCRBY', key, ARGV[1], 1)
      redis.call('PEXPIRE', key, tonumber(ARGV[4]))
      return 1
      """;

  private RedisScripts() {}

  /** The SHA-1 Redis names a script by ({@code EVALSHA}). */
  static String sha1(String script) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
