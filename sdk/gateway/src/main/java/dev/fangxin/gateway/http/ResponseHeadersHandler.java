package dev.fangxin.gateway.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Outbound: stamps {@code Content-Length}, {@code Cache-Control: no-store} and {@code
 * X-Content-Type-Options: nosniff} on every response, including those Netty's aggregator writes.
 */
@Sharable
final class ResponseHeadersHandler extends ChannelOutboundHandlerAdapter {
  static final ResponseHeadersHandler INSTANCE = new ResponseHeadersHandler();

  private ResponseHeadersHandler() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof FullHttpResponse) {
      FullHttpResponse res = (FullHttpResponse) msg;
      HttpHeaders h = res.headers();
      h.remove(HttpHeaderNames.TRANSFER_ENCODING);
      h.setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
      h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
      h.set("X-Content-Type-Options", "nosniff");
    }
    ctx.write(msg, promise);
  }
}
