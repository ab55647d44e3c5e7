package dev.fangxin.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the keystore password comes from: a file, an environment variable, or a prompt. */
final class PasswordOptions {
  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "Read the keystore password from the first line of FILE.")
  Path passwordFile;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Read the keystore password from environment variable VAR.")
  String passwordEnv;

  /** Returns the password; asks on the console when neither option was given. */
  char[] password(boolean confirm) {
    if (passwordFile != null && passwordEnv != null) {
      throw new UserException("give --password-file or --password-env, not both");
    }
    if (passwordFile != null) {
      try {
        String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        if (line.endsWith("\r")) {
          line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
          throw new UserException("the password file " + passwordFile + " is empty");
        }
        return line.toCharArray();
      } catch (IOException e) {
        throw new UserException("cannot read the password file " + passwordFile, e);
      }
    }
    if (passwordEnv != null) {
      String value = System.getenv(passwordEnv);
      if (value == null || value.isEmpty()) {
        throw new UserException("environment variable " + passwordEnv + " is not set or empty");
      }
      return value.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      throw new UserException(
          "no password: give --password-file FILE or --password-env VAR (no terminal to ask on)");
    }
    char[] first = console.readPassword("Keystore password: ");
    if (first == null || first.length == 0) {
      throw new UserException("an empty password is not allowed");
    }
    if (confirm) {
      char[] second = console.readPassword("Again: ");
      if (second == null || !java.util.Arrays.equals(first, second)) {
        throw new UserException("the passwords do not match");
      }
    }
    return first;
  }
}
