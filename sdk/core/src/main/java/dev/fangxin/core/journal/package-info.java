/**
 * The terminal's append-only record file, under the receipt journal: {@link
 * dev.fangxin.core.journal.JournalFile} appends opaque payloads durably and recovers a torn tail
 * after a power cut; {@link dev.fangxin.core.journal.JournalScanner} reads any journal file,
 * damaged or not, without changing it, for verifiers.
 *
 * <p>Every parameter and return value in this package is non-null unless its documentation says
 * otherwise. Failures are {@link dev.fangxin.core.journal.JournalException}s with a stable reason.
 */
package dev.fangxin.core.journal;
