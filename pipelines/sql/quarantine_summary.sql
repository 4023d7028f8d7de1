-- quarantine_summary: quarantined cells per source, month, column and reason (never a value).
-- Reads: quarantine.
SELECT source, extract_month, column_name, reason_code, count(*) AS cells
FROM quarantine
GROUP BY ALL
ORDER BY source, extract_month, cells DESC
