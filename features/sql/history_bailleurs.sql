-- history_bailleurs: one row per (household_key, month) of the social landlords' rent accounts,
-- with backward-looking trends (a row never looks at a later month).
-- reads: stg_bailleurs
CREATE OR REPLACE TABLE history_bailleurs AS
WITH m AS (
    SELECT household_key,
           extract_month AS month,
           year(extract_month) * 12 + month(extract_month) AS mi,
           max(quittance) AS quittance,
           max(encaissement) AS encaissement,
           max(solde_debiteur) AS solde_debiteur,
           bool_or(plan_apurement) AS plan
    FROM stg_bailleurs
    WHERE household_key IS NOT NULL
    GROUP BY ALL
), a AS (
    SELECT *,
           solde_debiteur / nullif(quittance, 0) AS arrears_months,
           solde_debiteur > 0 AS in_arrears,
           lag(plan) OVER (PARTITION BY household_key ORDER BY mi) AS plan_before,
           lag(mi) OVER (PARTITION BY household_key ORDER BY mi) AS mi_before
    FROM m
), s AS (
    SELECT *,
           mi - row_number() OVER (PARTITION BY household_key, in_arrears ORDER BY mi) AS streak,
           (plan_before AND NOT plan AND in_arrears AND mi_before = mi - 1) AS plan_broke
    FROM a
)
SELECT household_key, month, quittance, solde_debiteur, arrears_months,
       arrears_months - first_value(arrears_months) OVER (w RANGE BETWEEN 1 PRECEDING AND 1 PRECEDING) AS arrears_change_1m,
       arrears_months - first_value(arrears_months) OVER (w RANGE BETWEEN 3 PRECEDING AND 3 PRECEDING) AS arrears_change_3m,
       arrears_months - first_value(arrears_months) OVER (w RANGE BETWEEN 6 PRECEDING AND 6 PRECEDING) AS arrears_change_6m,
       CASE WHEN in_arrears THEN count(*) OVER (PARTITION BY household_key, in_arrears, streak ORDER BY mi) ELSE 0 END AS months_in_arrears,
       sum(encaissement) OVER (w RANGE BETWEEN 2 PRECEDING AND CURRENT ROW)
         / nullif(sum(quittance) OVER (w RANGE BETWEEN 2 PRECEDING AND CURRENT ROW), 0) AS payment_ratio_3m,
       plan::INTEGER AS plan,
       max(plan_broke::INTEGER) OVER (w RANGE BETWEEN 5 PRECEDING AND CURRENT ROW) AS plan_broken_6m
FROM s
WINDOW w AS (PARTITION BY household_key ORDER BY mi);
