-- audit_attributes: the protected and audit attributes of each cohort snapshot, keyed like
-- the features but kept apart: they audit the model and are never model features.
-- Snapshot months >= $since.
-- reads: cohort, stg_menages; parameters: $since (DATE)
SELECT c.household_key,
       c.snapshot_month,
       any_value(m.sexe) AS sexe,
       CASE WHEN any_value(m.age) < 25 THEN '18-24'
            WHEN any_value(m.age) < 40 THEN '25-39'
            WHEN any_value(m.age) < 60 THEN '40-59'
            WHEN any_value(m.age) < 75 THEN '60-74'
            WHEN any_value(m.age) IS NOT NULL THEN '75+' END AS age_band,
       any_value(m.nationalite) AS nationalite,
       any_value(m.handicap) AS handicap,
       any_value(m.composition) = 'famille_monoparentale' AS famille_monoparentale,
       any_value(m.qpv) AS qpv,
       any_value(m.statut_occupation) AS tenure,
       any_value(m.arrondissement) AS arrondissement
FROM cohort c
JOIN stg_menages m ON m.household_key = c.household_key AND m.extract_month = c.snapshot_month
WHERE c.snapshot_month >= $since
GROUP BY ALL
