-- labels: for each cohort snapshot, whether an eviction judgment is dated within the horizon
-- after it. Only snapshots whose horizon, plus the courts' reporting delay, has passed by the
-- last court file get a label. Households already judged by the snapshot are left out.
-- reads: cohort, judgments, stg_justice (its last file)
-- parameters: $horizon (months), $court_delay (months)
-- features.build.build_labels creates the table from it, or replaces some months' and some
-- households' rows (a monthly run).
WITH last_court AS (
    SELECT max(extract_month) AS last_month FROM stg_justice
)
SELECT c.household_key,
       c.snapshot_month,
       coalesce(j.judgment_date < c.snapshot_month + to_months(1 + $horizon), false) AS judgment_within_horizon,
       j.judgment_date
FROM cohort c
CROSS JOIN last_court
LEFT JOIN judgments j ON j.household_key = c.household_key
WHERE c.snapshot_month + to_months($horizon + $court_delay) <= last_court.last_month
  AND (j.judgment_date IS NULL OR j.judgment_date >= c.snapshot_month + INTERVAL 1 MONTH)
