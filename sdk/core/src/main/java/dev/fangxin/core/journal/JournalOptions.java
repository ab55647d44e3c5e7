package dev.fangxin.core.journal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a {@link JournalFile} forces appended records to stable storage. Immutable and thread-safe.
 *
 * <pre>{@code
 * JournalOptions options = JournalOptions.builder()
 *     .syncMode(SyncMode.GROUP_COMMIT)
 *     .groupCommitWindow(Duration.ofMillis(2))
 *     .build();
 * }</pre>
 */
public final class JournalOptions {
  /** The default group commit window, 2 ms. */
  public static final Duration DEFAULT_GROUP_COMMIT_WINDOW = Duration.ofMillis(2);

  /** The longest group commit window accepted, 1 s. */
  public static final Duration MAX_GROUP_COMMIT_WINDOW = Duration.ofSeconds(1);

  private static final JournalOptions DEFAULTS = new Builder().build();

  private final SyncMode syncMode;
  private final Duration groupCommitWindow;

  private JournalOptions(Builder builder) {
    this.syncMode = builder.syncMode;
    this.groupCommitWindow = builder.groupCommitWindow;
  }

  /** {@link SyncMode#EVERY_APPEND}, with the default window kept for a later switch. */
  public static JournalOptions defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this instance's values. */
  public Builder toBuilder() {
    return new Builder().syncMode(syncMode).groupCommitWindow(groupCommitWindow);
  }

  /** When appends force the file. Default {@link SyncMode#EVERY_APPEND}. */
  public SyncMode syncMode() {
    return syncMode;
  }

  /**
   * How long a group commit leader waits for other appenders before it forces; used only with
   * {@link SyncMode#GROUP_COMMIT}. Default 2 ms; zero means force at once (appenders that arrive
   * while a force runs still share the next one).
   */
  public Duration groupCommitWindow() {
    return groupCommitWindow;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof JournalOptions
        && ((JournalOptions) other).syncMode == syncMode
        && ((JournalOptions) other).groupCommitWindow.equals(groupCommitWindow);
  }

  @Override
  public int hashCode() {
    return 31 * syncMode.hashCode() + groupCommitWindow.hashCode();
  }

  @Override
  public String toString() {
    return "JournalOptions{syncMode=" + syncMode + ", groupCommitWindow=" + groupCommitWindow + "}";
  }

  /** Builds {@link JournalOptions}. Not thread-safe. */
  public static final class Builder {
    private SyncMode syncMode = SyncMode.EVERY_APPEND;
    private Duration groupCommitWindow = DEFAULT_GROUP_COMMIT_WINDOW;

    private Builder() {}

    /** Sets when appends force the file. */
    public Builder syncMode(SyncMode syncMode) {
      this.syncMode = requireNonNull(syncMode, "syncMode == null");
      return this;
    }

    /**
     * Sets the group commit window.
     *
     * @throws IllegalArgumentException if the window is negative or longer than {@link
     *     #MAX_GROUP_COMMIT_WINDOW}
     */
    public Builder groupCommitWindow(Duration window) {
      requireNonNull(window, "window == null");
      if (window.isNegative()) {
        throw new IllegalArgumentException("groupCommitWindow is negative: " + window);
      }
      if (window.compareTo(MAX_GROUP_COMMIT_WINDOW) > 0) {
        throw new IllegalArgumentException(
            "groupCommitWindow is "
                + window
                + ", longer than the maximum "
                + MAX_GROUP_COMMIT_WINDOW);
      }
      this.groupCommitWindow = window;
      return this;
    }

    /** The options. Every field has a default, so this never fails. */
    public JournalOptions build() {
      return new JournalOptions(this);
    }
  }
}
