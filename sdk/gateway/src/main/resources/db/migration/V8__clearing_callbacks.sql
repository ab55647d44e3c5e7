-- Fangxin gateway schema, version 8: where the gateway asks an acquirer about a trace it does not
-- know (the pull hook). NULL = the acquirer has no callback. Same portable subset as V1.
ALTER TABLE acquirers ADD COLUMN callback_url VARCHAR(2048);
