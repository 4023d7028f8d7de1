-- data_quality: rows in, loaded and quarantined, and the linkage rate, per source and extract month.
-- Reads: ingest_log, linkage.
SELECT l.source, l.extract_month, l.rows_in, l.rows_loaded, l.rows_quarantined, k.linkage_rate
FROM ingest_log l
LEFT JOIN linkage k USING (source, extract_month)
ORDER BY l.source, l.extract_month
