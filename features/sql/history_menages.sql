-- history_menages: one row per (household_key, month) of the household reference.
-- Rows of months >= $since, computed from the staging months >= $since - 12 (the longest
-- window looks back 12 months).
-- reads: stg_menages; parameters: $since (DATE)
WITH m AS (
    SELECT household_key,
           extract_month AS month,
           year(extract_month) * 12 + month(extract_month) AS mi,
           max(loyer) AS loyer,
           max(surface) AS surface,
           max(nb_personnes) AS nb_personnes,
           max(nb_enfants) AS nb_enfants,
           min(date_entree) AS date_entree
    FROM stg_menages
    WHERE household_key IS NOT NULL AND extract_month >= $since - INTERVAL 12 MONTH
    GROUP BY ALL
)
SELECT household_key, month, loyer,
       loyer / nullif(surface, 0) AS rent_per_m2,
       nb_personnes, nb_enfants,
       nb_personnes - first_value(nb_personnes) OVER (w RANGE BETWEEN 12 PRECEDING AND 12 PRECEDING) AS size_change_12m,
       date_diff('month', date_entree, month) AS months_since_move_in
FROM m
WINDOW w AS (PARTITION BY household_key ORDER BY mi)
QUALIFY month >= $since
