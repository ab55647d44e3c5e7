package dev.fangxin.bench.load;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fangxin.core.key.KeyId;
import dev.fangxin.core.key.TerminalPublicKey;
import dev.fangxin.core.link.DisputeLink;
import dev.fangxin.core.token.DisputeToken;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The intake benchmark's baseline: a bare Netty HTTP endpoint that reads {@code {"receipt_token":
 * …}} (the member name of a real complaint; {@code "token"} is accepted too), decodes the dispute
 * token and verifies its signature against a known key, and answers 201 — no store, no routing, no
 * idempotency, no outbox. The gateway's intake does all of that and more; the ratio of the two
 * throughputs is the intake target.
 */
public final class BareVerifyServer implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel channel;

  private BareVerifyServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** Starts on an ephemeral loopback port with {@code threads} event-loop threads. */
  public static BareVerifyServer start(Map<KeyId, TerminalPublicKey> keys, int threads)
      throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    Channel ch =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    c.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(new Verify(keys));
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    return new BareVerifyServer(group, ch);
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() throws InterruptedException {
    channel.close().sync();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private static final class Verify extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Map<KeyId, TerminalPublicKey> keys;

    Verify(Map<KeyId, TerminalPublicKey> keys) {
      this.keys = keys;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      HttpResponseStatus status;
      String body;
      try {
        String json = req.content().toString(StandardCharsets.UTF_8);
        JsonObject root = JsonParser.parseString(json).getAsJsonObject();
        JsonElement member =
            root.has("receipt_token") ? root.get("receipt_token") : root.get("token");
        String text = member.getAsString();
        DisputeToken token = DisputeLink.decodeToken(text);
        TerminalPublicKey key = keys.get(token.claim().keyId());
        if (key == null) {
          throw new IllegalArgumentException("unknown key");
        }
        token.verify(key);
        status = HttpResponseStatus.CREATED;
        body = "{\"verified\":true}";
      } catch (RuntimeException e) {
        status = HttpResponseStatus.BAD_REQUEST;
        body = "{\"verified\":false}";
      }
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      res.headers().set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      var f = ctx.writeAndFlush(res);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
