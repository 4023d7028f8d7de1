-- cohort: the tenant households active at the end of each snapshot month (in that month's
-- household reference) with no eviction judgment known by then. Snapshot months >= $since.
-- reads: stg_menages, judgments; parameters: $since (DATE)
SELECT DISTINCT m.household_key,
       m.extract_month AS snapshot_month,
       CASE WHEN m.arrondissement <= 4 THEN 'Paris Centre' ELSE m.arrondissement::VARCHAR || 'e' END AS sector
FROM stg_menages m
LEFT JOIN judgments j ON j.household_key = m.household_key AND j.known_from <= m.extract_month
WHERE m.household_key IS NOT NULL AND j.household_key IS NULL AND m.extract_month >= $since
