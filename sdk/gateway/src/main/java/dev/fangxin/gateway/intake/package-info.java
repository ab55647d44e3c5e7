/**
 * Complaint intake: {@link dev.fangxin.gateway.intake.ReceiptVerifier} turns a dispute token into a
 * verified receipt routed to the merchant bound at the receipt's time; {@link
 * dev.fangxin.gateway.intake.ComplaintIntake} files complaints idempotently, one open case per
 * receipt; {@link dev.fangxin.gateway.intake.IntakeRoutes} serves {@code GET /D/{token}} and {@code
 * POST /v1/complaints}.
 */
package dev.fangxin.gateway.intake;
