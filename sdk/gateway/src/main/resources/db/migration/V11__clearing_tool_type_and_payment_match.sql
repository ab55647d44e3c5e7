-- Fangxin gateway schema, version 11: one stored form of clearing_records.tool_type, and the index
-- that finds a payment's clearing record from what a receipt token or a merchant collection code
-- says about it (merchant number, amount, time). Same portable subset as V1.

-- The push hook stored the lower-case tool type (pos_terminal, qr_collection_code, qr_dynamic)
-- while the file ingest stored the proto enum name (TOOL_TYPE_POS_TERMINAL, ...). The lower-case
-- form is the one stored form from now on; rows written in the other form are rewritten.
UPDATE clearing_records
   SET tool_type = LOWER(SUBSTR(tool_type, 11))
 WHERE SUBSTR(tool_type, 1, 10) = 'TOOL_TYPE_';

-- Payment matching (ClearingRecords.findPayments): the records of one merchant number in a window
-- of transaction times. Amount, acquirer and terminal are filtered on the few rows found.
CREATE INDEX clearing_records_mid_time_ix ON clearing_records (merchant_number, transaction_time);
