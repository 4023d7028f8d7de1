-- judgments: each household's first eviction judgment (the label's event): when it happened and
-- from which court file it was known. Read by the cohort (known by the snapshot) and the labels
-- (dated within the horizon).
-- reads: stg_justice
CREATE OR REPLACE TABLE judgments AS
SELECT household_key, min(date_evenement) AS judgment_date, min(extract_month) AS known_from
FROM stg_justice
WHERE type_evenement = 'jugement' AND decision = 'expulsion' AND household_key IS NOT NULL
GROUP BY ALL;
