-- cohort: the tenant households active at the end of each snapshot month (in that month's
-- household reference) with no eviction judgment known by then. Snapshot months >= $since.
-- One row per household and month without DISTINCT: stg_menages has one row per household and
-- month (duplicate ids are quarantined) and judgments one per household.
-- The sector is the city's: $districts[i] (the `arrondissement` column) belongs to $sectors[i]
-- (abri/cities/<city>.toml; Paris: 1-4 -> 'Paris Centre', 19 -> '19e').
-- hid: the household's number (household_ids), what the feature statement joins on;
-- source_row: the stg_menages row of the snapshot, what the audit attributes join on.
-- reads: stg_menages, household_ids, judgments; parameters: $since (DATE), $districts (BIGINT[]), $sectors (VARCHAR[])
SELECT m.household_key,
       i.hid,
       m.extract_month AS snapshot_month,
       m.source_row,
       list_extract($sectors::VARCHAR[], list_position($districts::BIGINT[], m.arrondissement)) AS sector
FROM stg_menages m
JOIN household_ids i USING (household_key)
LEFT JOIN judgments j ON j.household_key = m.household_key AND j.known_from <= m.extract_month
WHERE j.household_key IS NULL AND m.extract_month >= $since
