-- cohort (a view): the tenant households active at the end of each snapshot month (in that
-- month's household reference) with no eviction judgment known by then, with that month's
-- household-reference history. A view over history_menages, which has one row per household
-- and month already (duplicate ids are quarantined at ingestion): the build no longer copies
-- 25 M rows into a cohort table, and the feature statement reads the household reference's
-- features from the cohort's own row instead of joining history_menages back (Paris: see
-- docs/architecture.md, "Scale").
-- hid: the household's number (household_ids), what the feature statement joins on;
-- source_row: the stg_menages row of the snapshot, what the audit attributes join on;
-- sector: the city's sector of the household's district (history_menages.sql).
-- reads: history_menages, judgments
SELECT h.household_key,
       h.hid,
       h.month AS snapshot_month,
       h.source_row,
       h.sector,
       h.* EXCLUDE (household_key, hid, month, source_row, sector)
FROM history_menages h
LEFT JOIN judgments j ON j.household_key = h.household_key AND j.known_from <= h.month
WHERE j.household_key IS NULL
