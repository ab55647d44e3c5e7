package dev.fangxin.gateway.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sits next to the socket, before the HTTP codec: the first bytes of a request arm a timer; the
 * {@link RequestReceived} event (fired from the pipeline head once the request is complete) disarms
 * it. If it fires first, the client is too slow: answer 408 and close. One instance per channel;
 * event-loop confined.
 */
final class RequestDeadlineHandler extends ChannelDuplexHandler {
  /** Fired through the whole pipeline when a request has been received completely. */
  enum RequestReceived {
    INSTANCE
  }

  private final long timeoutNanos;
  private ScheduledFuture<?> timer;

  RequestDeadlineHandler(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (timer == null) {
      timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == RequestReceived.INSTANCE) {
      disarm();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disarm();
    ctx.fireChannelInactive();
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    timer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    Problem p =
        Problem.of(
            "http.request_timeout",
            408,
            "The request did not arrive completely within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                + " ms.");
    ctx.channel()
        .writeAndFlush(Responses.problem(p, false))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
