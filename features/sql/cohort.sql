-- cohort: the tenant households active at the end of each snapshot month (in that month's
-- household reference) with no eviction judgment known by then.
-- reads: stg_menages, stg_justice
CREATE OR REPLACE TABLE cohort AS
WITH judged AS (
    SELECT household_key, min(extract_month) AS known_from
    FROM stg_justice
    WHERE type_evenement = 'jugement' AND decision = 'expulsion' AND household_key IS NOT NULL
    GROUP BY ALL
)
SELECT DISTINCT m.household_key,
       m.extract_month AS snapshot_month,
       CASE WHEN m.arrondissement <= 4 THEN 'Paris Centre' ELSE m.arrondissement::VARCHAR || 'e' END AS sector
FROM stg_menages m
LEFT JOIN judged j ON j.household_key = m.household_key AND j.known_from <= m.extract_month
WHERE m.household_key IS NOT NULL AND j.household_key IS NULL;
