-- household_timeline: the listed households' main signals over the 24 months before the list, with
-- the score of each month they were scored.
-- Reads: features, scores, outreach. Parameter: $month.
SELECT f.household_key, f.snapshot_month, f.arrears_months, f.caf_unpaid_report,
       f.housing_allowance_suspended, f.procedure_stage, f.energy_unpaid_12m, f.social_contacts_3m,
       f.income, f.unemployment_registrations_12m, f.fsl_requests_12m, s.probability
FROM features f
LEFT JOIN scores s USING (household_key, snapshot_month)
WHERE f.household_key IN (SELECT household_key FROM outreach WHERE snapshot_month = $month)
  AND f.snapshot_month > $month::DATE - INTERVAL 24 MONTH
