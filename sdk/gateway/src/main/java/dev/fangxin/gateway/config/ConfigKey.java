package dev.fangxin.gateway.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One setting of the gateway: its key in the configuration file, its environment variable, its
 * command-line flag, its default and what it means. The full list is {@link GatewayConfig#keys()};
 * the reference table in the module README is generated from it. Immutable and thread-safe.
 */
public final class ConfigKey {
  private final String name;
  private final String flag;
  private final String defaultValue;
  private final String expected;
  private final String meaning;
  private final boolean secret;

  ConfigKey(
      String name,
      String flag,
      String defaultValue,
      String expected,
      String meaning,
      boolean secret) {
    this.name = Objects.requireNonNull(name, "name == null");
    this.flag = Objects.requireNonNull(flag, "flag == null");
    this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue == null");
    this.expected = Objects.requireNonNull(expected, "expected == null");
    this.meaning = Objects.requireNonNull(meaning, "meaning == null");
    this.secret = secret;
  }

  /** The key as written in the configuration file, such as {@code http.port}. */
  public String name() {
    return name;
  }

  /**
   * The environment variable: {@code FANGXIN_} followed by the key in upper case with dots and
   * dashes turned into underscores, such as {@code FANGXIN_HTTP_PORT}.
   */
  public String environmentVariable() {
    return "FANGXIN_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The command-line flag of {@code fangxin gateway}, such as {@code --port}; empty for secrets,
   * which come from the environment or the file only.
   */
  public String flag() {
    return flag;
  }

  /** The default as text (empty when the setting is off or derived by default). */
  public String defaultValue() {
    return defaultValue;
  }

  /** What a value must look like, as a phrase: {@code an integer from 0 to 65535}. */
  public String expected() {
    return expected;
  }

  /** One sentence on what the setting does. */
  public String meaning() {
    return meaning;
  }

  /** Whether the value is a secret: never printed, never repeated in an error. */
  public boolean secret() {
    return secret;
  }

  @Override
  public String toString() {
    return name;
  }
}
