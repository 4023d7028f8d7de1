-- history_menages: one row per (household, month) of the household reference, and what the
-- cohort view (cohort.sql) reads: the file row and the household's sector.
-- Rows of months >= $since, computed from the staging months >= $since - 12 (the longest
-- window looks back 12 months).
-- The sector is the city's: $districts[i] (the `arrondissement` column) belongs to $sectors[i]
-- (abri/cities/<city>.toml; Paris: 1-4 -> 'Paris Centre', 19 -> '19e').
-- No aggregation: ingestion keeps one stg_menages row per household and month (a second row
-- with the same id_menage is quarantined as duplicate_key).
-- reads: stg_menages, household_ids; parameters: $since (DATE), $districts (BIGINT[]), $sectors (VARCHAR[])
-- The windows sort integers only: the household's pseudonym (64 characters) is joined back
-- on hid after them, for the month's rows alone (a Paris month: 3.9 s -> 2.8 s).
WITH m AS (
    SELECT i.hid,
           extract_month AS month,
           year(extract_month) * 12 + month(extract_month) AS mi,
           source_row, arrondissement, loyer, surface, nb_personnes, nb_enfants, date_entree
    FROM stg_menages
    JOIN household_ids i USING (household_key)
    WHERE extract_month >= $since - INTERVAL 12 MONTH
), r AS (
    -- a rent raised by more than 5 % from the previous file (more than a yearly indexation)
    SELECT *, CASE WHEN loyer > 1.05 * lag(loyer) OVER (PARTITION BY hid ORDER BY mi) THEN mi END AS rise_mi
    FROM m
), h AS (
SELECT hid, month, source_row,
       list_extract($sectors::VARCHAR[], list_position($districts::BIGINT[], arrondissement)) AS sector,
       loyer,
       loyer / nullif(surface, 0) AS rent_per_m2,
       nb_personnes, nb_enfants,
       nb_personnes - first_value(nb_personnes) OVER (w RANGE BETWEEN 12 PRECEDING AND 12 PRECEDING) AS size_change_12m,
       date_diff('month', date_entree, month) AS months_since_move_in,
       mi - max(rise_mi) OVER (w RANGE BETWEEN 11 PRECEDING AND CURRENT ROW) AS months_since_rent_rise
FROM r
WINDOW w AS (PARTITION BY hid ORDER BY mi)
QUALIFY month >= $since
)
SELECT h.hid, i.household_key, h.* EXCLUDE (hid) FROM h JOIN household_ids i USING (hid)
