-- reasons: the listed households' reasons of the month.
-- Reads: reasons. Parameter: $month.
SELECT * FROM reasons WHERE snapshot_month = $month
