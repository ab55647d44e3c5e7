package dev.fangxin.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after a final answer (413, a malformed request) without losing that answer.
 * Closing a socket while the client is still sending makes the kernel reset the connection, and a
 * reset can reach the client before it has read the response already sent: it then sees no answer
 * at all. So, once the answer is written, the server shuts down its sending side, reads and drops
 * whatever the client still sends (at most {@value #MAX_DISCARD} bytes, for at most {@value
 * #LINGER_SECONDS} s), and closes when the client has finished or either bound is reached.
 */
final class LingeringClose {
  static final long MAX_DISCARD = 16L << 20;
  static final int LINGER_SECONDS = 2;

  private LingeringClose() {}

  /** Closes the channel of {@code written}, lingering as above, once the write completes. */
  static void after(ChannelFuture written) {
    written.addListener(
        f -> {
          Channel ch = written.channel();
          if (!f.isSuccess() || !(ch instanceof SocketChannel) || !ch.isActive()) {
            ch.close();
            return;
          }
          // On TLS, close_notify first (through the TLS handler), then the TCP half-close.
          SslHandler tls = ch.pipeline().get(SslHandler.class);
          ch.pipeline().addFirst("lingering-close", new Discard());
          ch.config().setAutoRead(true);
          ChannelFuture notified = tls == null ? ch.newSucceededFuture() : tls.closeOutbound();
          notified.addListener(n -> ((SocketChannel) ch).shutdownOutput());
          ch.eventLoop().schedule(() -> ch.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        });
  }

  /** Drops every inbound byte; closes after {@link #MAX_DISCARD} or when the client stops. */
  private static final class Discard extends ChannelInboundHandlerAdapter {
    private long discarded;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf) {
        discarded += ((ByteBuf) msg).readableBytes();
      }
      ReferenceCountUtil.release(msg);
      if (discarded > MAX_DISCARD) {
        ctx.close();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.close();
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
