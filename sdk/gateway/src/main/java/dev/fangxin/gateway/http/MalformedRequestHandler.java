package dev.fangxin.gateway.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Answers requests the codec could not decode. Netty does not answer these itself: it hands on a
 * placeholder request whose {@code decoderResult()} carries a {@link TooLongHttpHeaderException}
 * (mapped to 431), a {@link TooLongHttpLineException} (414) or another decoding error (400). The
 * connection is then closed, because the decoder has lost its framing. Well-formed requests pass
 * through unchanged.
 */
@Sharable
final class MalformedRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  static final MalformedRequestHandler INSTANCE = new MalformedRequestHandler();

  private MalformedRequestHandler() {
    super(false);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (req.decoderResult().isSuccess()) {
      ctx.fireChannelRead(req);
      return;
    }
    Throwable cause = req.decoderResult().cause();
    req.release();
    Problem p;
    if (cause instanceof TooLongHttpHeaderException) {
      p =
          Problem.of(
              "http.header_fields_too_large",
              431,
              "The request header block is larger than the server accepts.");
    } else if (cause instanceof TooLongHttpLineException) {
      p =
          Problem.of(
              "http.uri_too_long", 414, "The request line is longer than the server accepts.");
    } else {
      p = Problem.of("http.bad_request", 400, "The request is not well-formed HTTP/1.1.");
    }
    ctx.pipeline().fireUserEventTriggered(RequestDeadlineHandler.RequestReceived.INSTANCE);
    LingeringClose.after(ctx.writeAndFlush(Responses.problem(p, false)));
  }
}
