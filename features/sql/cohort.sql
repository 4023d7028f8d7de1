-- cohort: the tenant households active at the end of each snapshot month (in that month's
-- household reference) with no eviction judgment known by then. Snapshot months >= $since.
-- One row per household and month without DISTINCT: stg_menages has one row per household and
-- month (duplicate ids are quarantined) and judgments one per household.
-- The sector is the city's: $districts[i] (the `arrondissement` column) belongs to $sectors[i]
-- (abri/cities/<city>.toml; Paris: 1-4 -> 'Paris Centre', 19 -> '19e').
-- reads: stg_menages, judgments; parameters: $since (DATE), $districts (BIGINT[]), $sectors (VARCHAR[])
SELECT m.household_key,
       m.extract_month AS snapshot_month,
       list_extract($sectors::VARCHAR[], list_position($districts::BIGINT[], m.arrondissement)) AS sector
FROM stg_menages m
LEFT JOIN judgments j ON j.household_key = m.household_key AND j.known_from <= m.extract_month
WHERE m.household_key IS NOT NULL AND j.household_key IS NULL AND m.extract_month >= $since
