package dev.fangxin.gateway.http;

import dev.fangxin.core.FangxinException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Thrown by a {@link RouteHandler} to answer with a specific {@link Problem}: its status (401, 403,
 * 404, 409, 422, …), code and extension members, plus optional headers such as {@code
 * WWW-Authenticate} or {@code Retry-After}. The server fills in {@code instance}. Use it where the
 * route's single error status is not the right answer.
 */
public final class ProblemException extends FangxinException {
  private static final long serialVersionUID = 1L;

  private final transient Problem problem;
  private final Map<String, String> headers;

  private ProblemException(Problem problem, Map<String, String> headers) {
    super(problem.detail());
    this.problem = problem;
    this.headers = headers;
  }

  /** A problem answered as is. */
  public static ProblemException of(Problem problem) {
    return new ProblemException(Objects.requireNonNull(problem, "problem == null"), Map.of());
  }

  /** {@code Problem.of(code, status, detail)} answered as is. */
  public static ProblemException of(String code, int status, String detail) {
    return of(Problem.of(code, status, detail));
  }

  /** This exception with one more response header; see {@link RouteResponse#withHeader}. */
  public ProblemException withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(Objects.requireNonNull(name, "name == null"), Objects.requireNonNull(value, "value"));
    ProblemException e = new ProblemException(problem, Collections.unmodifiableMap(copy));
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** The problem to answer with. */
  public Problem problem() {
    return problem;
  }

  /** Headers to add to the response. */
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String reason() {
    return problem.code();
  }
}
