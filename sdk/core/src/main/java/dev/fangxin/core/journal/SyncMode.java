package dev.fangxin.core.journal;

/**
 * When {@link JournalFile#append} forces the file to stable storage. Both modes give the same
 * durability contract: {@code append} returns only after its record has been forced. They differ in
 * how many forces a burst of concurrent appends costs.
 */
public enum SyncMode {
  /**
   * Every append writes its record and calls {@code FileChannel.force(false)} (on Linux {@code
   * fdatasync(2)}) before it returns. Appends are serialized, one force each. Lowest latency for a
   * single appender.
   */
  EVERY_APPEND,

  /**
   * Concurrent appenders share one force. The first appender that needs a force becomes the leader:
   * it waits up to {@link JournalOptions#groupCommitWindow()} for other appenders to write their
   * records, then forces once; every appender whose record was written before that force started
   * returns. Higher throughput under concurrency, but a lone appender pays up to the window in
   * extra latency.
   */
  GROUP_COMMIT
}
