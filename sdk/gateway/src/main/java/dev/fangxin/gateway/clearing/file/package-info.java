/**
 * Acquirers' daily clearing files ({@code protocol/SPEC.md} section 14): a streaming, validating
 * {@link dev.fangxin.gateway.clearing.file.ClearingFileReader}, a {@link
 * dev.fangxin.gateway.clearing.file.ClearingFileWriter} and seeded {@link
 * dev.fangxin.gateway.clearing.file.ClearingFileGenerator} for tests, and {@link
 * dev.fangxin.gateway.clearing.file.ClearingIngest}, which validates a whole file and then loads it
 * into {@code clearing_records} in resumable chunks (COPY on PostgreSQL). Refusals are {@link
 * dev.fangxin.gateway.clearing.file.ClearingFileException}s naming the line and field.
 */
package dev.fangxin.gateway.clearing.file;
