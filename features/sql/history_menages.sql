-- history_menages: one row per (household_key, month) of the household reference.
-- Rows of months >= $since, computed from the staging months >= $since - 12 (the longest
-- window looks back 12 months).
-- No aggregation: ingestion keeps one stg_menages row per household and month (a second row
-- with the same id_menage is quarantined as duplicate_key).
-- reads: stg_menages; parameters: $since (DATE)
WITH m AS (
    SELECT household_key,
           extract_month AS month,
           year(extract_month) * 12 + month(extract_month) AS mi,
           loyer, surface, nb_personnes, nb_enfants, date_entree
    FROM stg_menages
    WHERE household_key IS NOT NULL AND extract_month >= $since - INTERVAL 12 MONTH
), r AS (
    -- a rent raised by more than 5 % from the previous file (more than a yearly indexation)
    SELECT *, CASE WHEN loyer > 1.05 * lag(loyer) OVER (PARTITION BY household_key ORDER BY mi) THEN mi END AS rise_mi
    FROM m
)
SELECT household_key, month, loyer,
       loyer / nullif(surface, 0) AS rent_per_m2,
       nb_personnes, nb_enfants,
       nb_personnes - first_value(nb_personnes) OVER (w RANGE BETWEEN 12 PRECEDING AND 12 PRECEDING) AS size_change_12m,
       date_diff('month', date_entree, month) AS months_since_move_in,
       mi - max(rise_mi) OVER (w RANGE BETWEEN 11 PRECEDING AND CURRENT ROW) AS months_since_rent_rise
FROM r
WINDOW w AS (PARTITION BY household_key ORDER BY mi)
QUALIFY month >= $since
