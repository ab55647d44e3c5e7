package dev.fangxin.gateway.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A small blocking HTTP/1.1 client for webhook POSTs: the calling thread writes the request and
 * reads the answer itself, on a keep-alive connection taken from a pool per origin (scheme, host,
 * port), so an attempt costs no thread hand-off and, while the endpoint keeps its connections open,
 * no connect or TLS handshake.
 *
 * <p><b>Connections.</b> A connection goes back to its pool after a complete response that does not
 * ask to close it ({@code Connection: close}, HTTP/1.0 without keep-alive, a body delimited by the
 * end of the stream, or more than {@value #MAX_DISCARD} bytes of body); after any error or timeout
 * it is closed. A pooled connection is reused only within {@link #MAX_IDLE} of its last answer, so
 * that an endpoint's idle timeout rarely closes one under a new request; if it does, that attempt
 * fails ("connection failed") and is retried by the backoff like any other. At most {@code
 * maxIdlePerOrigin} idle connections are kept per origin. {@code https} uses the JVM's default
 * {@link SSLContext} with host name verification.
 *
 * <p><b>Timeouts.</b> Connecting (TCP, not TLS) is bounded by the connect timeout; everything from
 * the TLS handshake to the last byte of the answer by the response timeout, as one deadline.
 *
 * <p>Thread-safe: any number of threads may post at once. {@link #close()} closes every connection,
 * idle or in use (a thread blocked reading one fails at once).
 */
final class WebhookClient implements AutoCloseable {
  /** How long a connection may stay idle in the pool and still be reused. */
  static final Duration MAX_IDLE = Duration.ofSeconds(2);

  /** The most response body bytes read and thrown away to keep a connection. */
  static final int MAX_DISCARD = 64 * 1024;

  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private final int connectTimeoutMillis;
  private final long responseTimeoutNanos;
  private final int maxIdlePerOrigin;
  private final String userAgent;

  private final Object lock = new Object();
  private final Map<String, ArrayDeque<Connection>> idle = new HashMap<>(); // guarded by lock
  private final Set<Connection> open = new HashSet<>(); // guarded by lock
  private boolean closed; // guarded by lock
  private volatile SSLSocketFactory tls;

  /** What the endpoint answered. */
  static final class Response {
    private final int status;
    private final String retryAfter;

    private Response(int status, String retryAfter) {
      this.status = status;
      this.retryAfter = retryAfter;
    }

    /** The status code. */
    int status() {
      return status;
    }

    /** The {@code Retry-After} header's value, or null. */
    String retryAfter() {
      return retryAfter;
    }
  }

  WebhookClient(
      Duration connectTimeout, Duration responseTimeout, int maxIdlePerOrigin, String userAgent) {
    this.connectTimeoutMillis =
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    this.responseTimeoutNanos = responseTimeout.toNanos();
    this.maxIdlePerOrigin = maxIdlePerOrigin;
    this.userAgent = userAgent;
  }

  /**
   * POSTs {@code body} to {@code url} with {@code headers} (names and values in US-ASCII, without
   * line breaks) and reads the answer.
   *
   * @throws SocketTimeoutException when connecting or answering took longer than its timeout
   * @throws IOException when the connection failed, was reset or closed early, or the answer was
   *     not HTTP/1.x
   * @throws IllegalArgumentException when {@code url} is not an absolute http(s) URL with a host
   */
  Response post(URI url, String[] headers, byte[] body) throws IOException {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    boolean secure;
    if (scheme.equals("https")) {
      secure = true;
    } else if (scheme.equals("http")) {
      secure = false;
    } else {
      throw new IllegalArgumentException("unsupported URL scheme: " + url.getScheme());
    }
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the URL has no host: " + url);
    }
    int port = url.getPort() >= 0 ? url.getPort() : secure ? 443 : 80;
    String origin = scheme + "://" + host + ":" + port;
    byte[] request = request(url, host, port, secure, headers, body);
    long deadline = System.nanoTime() + responseTimeoutNanos;

    Connection c = takeIdle(origin);
    if (c == null) {
      c = connect(origin, host, port, secure, deadline);
    }
    boolean keep = false;
    try {
      c.socket.setSoTimeout(remainingMillis(deadline));
      c.out.write(request);
      c.out.flush();
      Response r = c.readResponse(deadline);
      keep = c.reusable;
      return r;
    } finally {
      if (keep) {
        giveBack(origin, c);
      } else {
        discard(c);
      }
    }
  }

  /** Closes every connection, idle or in use; later posts fail. Idempotent. */
  @Override
  public void close() {
    Set<Connection> all;
    synchronized (lock) {
      closed = true;
      all = new HashSet<>(open);
      open.clear();
      idle.clear();
    }
    for (Connection c : all) {
      c.closeQuietly();
    }
  }

  // ---------------------------------------------------------------- pool

  private Connection takeIdle(String origin) {
    long now = System.nanoTime();
    while (true) {
      Connection c;
      synchronized (lock) {
        ArrayDeque<Connection> q = idle.get(origin);
        c = q == null ? null : q.pollLast(); // most recently used first
        if (c == null) {
          return null;
        }
      }
      if (now - c.idleSince <= MAX_IDLE.toNanos() && !c.socket.isClosed()) {
        return c;
      }
      discard(c);
    }
  }

  private void giveBack(String origin, Connection c) {
    c.idleSince = System.nanoTime();
    Connection evicted = null;
    synchronized (lock) {
      if (!closed) {
        ArrayDeque<Connection> q = idle.computeIfAbsent(origin, k -> new ArrayDeque<>());
        q.addLast(c);
        if (q.size() > maxIdlePerOrigin) {
          evicted = q.pollFirst();
        }
        c = null;
      }
    }
    if (c != null) {
      discard(c);
    }
    if (evicted != null) {
      discard(evicted);
    }
  }

  private void discard(Connection c) {
    synchronized (lock) {
      open.remove(c);
    }
    c.closeQuietly();
  }

  private Connection connect(String origin, String host, int port, boolean secure, long deadline)
      throws IOException {
    Socket plain = new Socket();
    Connection c = new Connection(plain);
    synchronized (lock) {
      if (closed) {
        throw new IOException("the client is closed");
      }
      open.add(c);
    }
    boolean ok = false;
    try {
      plain.setTcpNoDelay(true);
      plain.setKeepAlive(true);
      try {
        plain.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException(
            "could not connect to " + origin + " within " + connectTimeoutMillis + " ms");
      }
      Socket s = plain;
      if (secure) {
        SSLSocket ssl = (SSLSocket) tls().createSocket(plain, host, port, true);
        SSLParameters p = ssl.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(p);
        ssl.setSoTimeout(remainingMillis(deadline));
        ssl.startHandshake();
        s = ssl;
      }
      c.attach(s);
      ok = true;
      return c;
    } finally {
      if (!ok) {
        discard(c);
      }
    }
  }

  private SSLSocketFactory tls() throws IOException {
    SSLSocketFactory f = tls;
    if (f == null) {
      try {
        f = SSLContext.getDefault().getSocketFactory();
      } catch (NoSuchAlgorithmException e) {
        throw new IOException("no TLS available: " + e.getMessage(), e);
      }
      tls = f;
    }
    return f;
  }

  private static int remainingMillis(long deadline) throws SocketTimeoutException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("no complete response within the response timeout");
    }
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
  }

  private byte[] request(
      URI url, String host, int port, boolean secure, String[] headers, byte[] body) {
    StringBuilder h = new StringBuilder(512);
    String path = url.getRawPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    h.append("POST ").append(path);
    if (url.getRawQuery() != null) {
      h.append('?').append(url.getRawQuery());
    }
    h.append(" HTTP/1.1\r\nhost: ");
    h.append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
    if (port != (secure ? 443 : 80)) {
      h.append(':').append(port);
    }
    h.append("\r\nuser-agent: ").append(userAgent);
    h.append("\r\ncontent-length: ").append(body.length);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      String name = headers[i];
      String value = headers[i + 1];
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header " + name + " holds a line break");
      }
      h.append("\r\n").append(name).append(": ").append(value);
    }
    h.append("\r\n\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  // ---------------------------------------------------------------- one connection

  /** A socket with its read buffer; used by one thread at a time. */
  private static final class Connection {
    private final Socket plain;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int end;
    private long idleSince;
    private boolean reusable;

    Connection(Socket plain) {
      this.plain = plain;
      this.socket = plain;
    }

    void attach(Socket s) throws IOException {
      this.socket = s;
      this.in = s.getInputStream();
      this.out = s.getOutputStream();
    }

    void closeQuietly() {
      try {
        socket.close();
      } catch (IOException | RuntimeException e) {
        // closing anyway
      }
      try {
        plain.close();
      } catch (IOException | RuntimeException e) {
        // closing anyway
      }
    }

    private boolean fill(long deadline) throws IOException {
      socket.setSoTimeout(remainingMillis(deadline));
      int n;
      try {
        n = in.read(buf, 0, buf.length);
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("no complete response within the response timeout");
      }
      if (n < 0) {
        return false;
      }
      pos = 0;
      end = n;
      return true;
    }

    /** One line without its CRLF (or LF), ISO-8859-1; null at the end of the stream. */
    private String line(long deadline) throws IOException {
      StringBuilder sb = null;
      int start = pos;
      while (true) {
        for (int i = pos; i < end; i++) {
          if (buf[i] == '\n') {
            int stop = i > start && buf[i - 1] == '\r' ? i - 1 : i;
            String part = new String(buf, start, stop - start, StandardCharsets.ISO_8859_1);
            pos = i + 1;
            if (sb == null) {
              return part;
            }
            sb.append(part);
            int l = sb.length();
            if (l > 0 && sb.charAt(l - 1) == '\r' && stop == i) {
              sb.setLength(l - 1);
            }
            return sb.toString();
          }
        }
        if (sb == null) {
          sb = new StringBuilder();
        }
        sb.append(new String(buf, start, end - start, StandardCharsets.ISO_8859_1));
        if (sb.length() > MAX_HEADER_BYTES) {
          throw new IOException("response header line longer than " + MAX_HEADER_BYTES + " bytes");
        }
        if (!fill(deadline)) {
          if (sb.length() == 0) {
            return null;
          }
          throw new IOException("connection closed in the middle of the response header");
        }
        start = pos;
      }
    }

    Response readResponse(long deadline) throws IOException {
      reusable = false;
      pos = 0;
      end = 0;
      while (true) {
        String statusLine = line(deadline);
        if (statusLine == null) {
          throw new IOException("connection closed before a response");
        }
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
          throw new IOException("not an HTTP/1.x response: " + abbreviate(statusLine));
        }
        boolean http10 = statusLine.charAt(7) == '0';
        int status;
        try {
          status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
          throw new IOException("bad status line: " + abbreviate(statusLine));
        }
        long contentLength = -1;
        boolean chunked = false;
        boolean close = http10;
        String retryAfter = null;
        int headerBytes = 0;
        while (true) {
          String h = line(deadline);
          if (h == null) {
            throw new IOException("connection closed in the middle of the response header");
          }
          if (h.isEmpty()) {
            break;
          }
          headerBytes += h.length();
          if (headerBytes > MAX_HEADER_BYTES) {
            throw new IOException("response header longer than " + MAX_HEADER_BYTES + " bytes");
          }
          int colon = h.indexOf(':');
          if (colon <= 0) {
            continue;
          }
          String name = h.substring(0, colon).trim();
          String value = h.substring(colon + 1).trim();
          if (name.equalsIgnoreCase("content-length")) {
            try {
              contentLength = Long.parseLong(value);
            } catch (NumberFormatException e) {
              throw new IOException("bad content-length: " + abbreviate(value));
            }
          } else if (name.equalsIgnoreCase("transfer-encoding")) {
            chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          } else if (name.equalsIgnoreCase("connection")) {
            String v = value.toLowerCase(Locale.ROOT);
            if (v.contains("close")) {
              close = true;
            } else if (v.contains("keep-alive")) {
              close = false;
            }
          } else if (name.equalsIgnoreCase("retry-after") && retryAfter == null) {
            retryAfter = value;
          }
        }
        if (status >= 100 && status < 200) {
          continue; // an interim answer; the final one follows
        }
        boolean complete;
        if (status == 204 || status == 304) {
          complete = true;
        } else if (chunked) {
          complete = discardChunked(deadline);
        } else if (contentLength >= 0) {
          complete = discard(contentLength, deadline);
        } else {
          complete = false; // delimited by the end of the stream: not worth reading
        }
        reusable = complete && !close && pos == end;
        return new Response(status, retryAfter);
      }
    }

    /** Skips {@code n} body bytes; false if more than {@link #MAX_DISCARD}. */
    private boolean discard(long n, long deadline) throws IOException {
      if (n > MAX_DISCARD) {
        return false;
      }
      while (n > 0) {
        if (pos == end && !fill(deadline)) {
          throw new IOException("connection closed in the middle of the response body");
        }
        int take = (int) Math.min(n, end - pos);
        pos += take;
        n -= take;
      }
      return true;
    }

    private boolean discardChunked(long deadline) throws IOException {
      long total = 0;
      while (true) {
        String sizeLine = line(deadline);
        if (sizeLine == null) {
          throw new IOException("connection closed in the middle of the response body");
        }
        int semi = sizeLine.indexOf(';');
        String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
        long size;
        try {
          size = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + abbreviate(sizeLine));
        }
        if (size == 0) {
          while (true) { // trailers, then the empty line
            String t = line(deadline);
            if (t == null) {
              throw new IOException("connection closed in the middle of the response body");
            }
            if (t.isEmpty()) {
              return true;
            }
          }
        }
        total += size;
        if (!discard(size, deadline) || total > MAX_DISCARD) {
          return false;
        }
        if (line(deadline) == null) {
          throw new IOException("connection closed in the middle of the response body");
        }
      }
    }

    private static String abbreviate(String s) {
      return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
  }
}
