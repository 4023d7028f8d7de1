-- outreach_list: the month's lists, one row per listed household, with its reasons in both languages.
-- Reads: outreach, features, reasons. Parameter: $month (the list's snapshot month).
SELECT o.household_key, o.snapshot_month, o.sector, o.rank_in_sector, o.score, o.probability,
       o.risk_band, o.model_version, f.procedure_stage, f.arrears_months,
       coalesce(f.caf_known, 0) AS caf_known,  -- NULL in features: in no CAF file that month
       f.arrears_months IS NULL AS no_landlord_data,
       (SELECT string_agg(r.text_fr, ' | ' ORDER BY r.rank) FROM reasons r
         WHERE r.household_key = o.household_key AND r.snapshot_month = o.snapshot_month) AS reasons_fr,
       (SELECT string_agg(r.text_en, ' | ' ORDER BY r.rank) FROM reasons r
         WHERE r.household_key = o.household_key AND r.snapshot_month = o.snapshot_month) AS reasons_en
FROM outreach o
JOIN features f USING (household_key, snapshot_month)
WHERE o.snapshot_month = $month
