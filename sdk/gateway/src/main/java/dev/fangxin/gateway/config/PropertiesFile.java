package dev.fangxin.gateway.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Java properties file in UTF-8 and remembers the line each key starts on, so errors can
 * name it. Supports the format's comments ({@code #}, {@code !}), separators ({@code =}, {@code :}
 * or white space), backslash line continuation and escapes ({@code \t \n \r \f \\} and {@code
 * \}{@code uXXXX}). A key given twice is refused. Not thread-safe; used once per load.
 */
final class PropertiesFile {
  /** A value and the line its key is on (1-based). */
  record Entry(String value, int line) {}

  private PropertiesFile() {}

  static Map<String, Entry> read(Path file) {
    List<String> lines;
    try {
      lines = List.of(Files.readString(file, StandardCharsets.UTF_8).split("\r\n|\r|\n", -1));
    } catch (CharacterCodingException e) {
      throw unreadable(file, "it is not UTF-8 text");
    } catch (IOException e) {
      throw unreadable(
          file, e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.toString());
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    int i = 0;
    while (i < lines.size()) {
      int start = i;
      String line = stripLeading(lines.get(i++));
      if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '!') {
        continue;
      }
      StringBuilder logical = new StringBuilder();
      while (endsWithOddBackslashes(line) && i < lines.size()) {
        logical.append(line, 0, line.length() - 1);
        line = stripLeading(lines.get(i++));
      }
      logical.append(line);
      String[] kv = split(logical.toString(), file, start + 1);
      if (out.containsKey(kv[0])) {
        throw new ConfigException(
            ConfigException.Reason.INVALID_VALUE,
            kv[0],
            "file " + file + " line " + (start + 1),
            "The configuration file "
                + file
                + " sets "
                + kv[0]
                + " twice, on line "
                + out.get(kv[0]).line()
                + " and on line "
                + (start + 1)
                + "; expected each key once.");
      }
      out.put(kv[0], new Entry(kv[1], start + 1));
    }
    return out;
  }

  private static ConfigException unreadable(Path file, String why) {
    return new ConfigException(
        ConfigException.Reason.UNREADABLE_FILE,
        "config",
        "file " + file,
        "Could not read the configuration file " + file + ": " + why + ".");
  }

  private static String stripLeading(String s) {
    int i = 0;
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\f')) {
      i++;
    }
    return s.substring(i);
  }

  private static boolean endsWithOddBackslashes(String s) {
    int n = 0;
    for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
      n++;
    }
    return n % 2 == 1;
  }

  private static String[] split(String line, Path file, int lineNo) {
    int i = 0;
    StringBuilder key = new StringBuilder();
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        i = unescape(line, i, key, file, lineNo);
        continue;
      }
      if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') {
        break;
      }
      key.append(c);
      i++;
    }
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    if (i < line.length() && (line.charAt(i) == '=' || line.charAt(i) == ':')) {
      i++;
    }
    while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
      i++;
    }
    StringBuilder value = new StringBuilder();
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        i = unescape(line, i, value, file, lineNo);
      } else {
        value.append(c);
        i++;
      }
    }
    return new String[] {key.toString(), value.toString()};
  }

  /** Appends the escape at {@code line[i]} (a backslash) and returns the index after it. */
  private static int unescape(String line, int i, StringBuilder out, Path file, int lineNo) {
    char e = line.charAt(i + 1);
    switch (e) {
      case 't' -> out.append('\t');
      case 'n' -> out.append('\n');
      case 'r' -> out.append('\r');
      case 'f' -> out.append('\f');
      case 'u' -> {
        if (i + 6 > line.length() || !line.substring(i + 2, i + 6).matches("[0-9A-Fa-f]{4}")) {
          throw new ConfigException(
              ConfigException.Reason.UNREADABLE_FILE,
              "config",
              "file " + file + " line " + lineNo,
              "The configuration file "
                  + file
                  + " has a malformed unicode escape on line "
                  + lineNo
                  + "; expected a backslash, u and four hexadecimal digits.");
        }
        out.append((char) Integer.parseInt(line.substring(i + 2, i + 6), 16));
        return i + 6;
      }
      default -> out.append(e);
    }
    return i + 2;
  }
}
