package dev.fangxin.gateway.clearing;

import dev.fangxin.core.id.DurableTrace;
import dev.fangxin.core.id.InstitutionCode;
import dev.fangxin.core.id.Rrn;
import dev.fangxin.core.id.SettlementDate;
import java.util.List;
import java.util.Optional;

/**
 * Where the gateway finds the clearing record of a payment: its own store first, then, for a trace
 * it does not know, whatever the implementation asks (the acquirer's callback in {@link
 * HttpClearingLookup}). A service-provider interface: deployments with another source of clearing
 * data (a shared database, a message bus) implement it.
 *
 * <p>Implementations must be thread-safe. They may block (network calls) and must bound how long;
 * callers never call them on an event-loop thread.
 */
public interface ClearingLookup {
  /**
   * The clearing record of {@code trace}.
   *
   * @return empty when no source knows the trace
   * @throws ClearingException {@code LOOKUP_FAILED} when a source could not be asked (timeouts,
   *     errors after retries): the answer is unknown, not "no such trace"
   */
  Optional<ClearingRecord> find(DurableTrace trace);

  /**
   * The records of acquirer {@code acquirer} with retrieval reference number {@code rrn} settled on
   * {@code date}. The default asks no one beyond what {@link #find} covers and answers empty.
   *
   * @throws ClearingException {@code LOOKUP_FAILED} as for {@link #find}
   */
  default List<ClearingRecord> findByRrn(InstitutionCode acquirer, Rrn rrn, SettlementDate date) {
    return List.of();
  }

  /** A lookup that reads {@code records} only and never asks anyone else. */
  static ClearingLookup local(ClearingRecords records) {
    java.util.Objects.requireNonNull(records, "records == null");
    return new ClearingLookup() {
      @Override
      public Optional<ClearingRecord> find(DurableTrace trace) {
        return records.find(trace);
      }

      @Override
      public List<ClearingRecord> findByRrn(
          InstitutionCode acquirer, Rrn rrn, SettlementDate date) {
        return records.findByRrn(rrn, date).stream()
            .filter(r -> r.acquirer().equals(acquirer))
            .toList();
      }
    };
  }
}
