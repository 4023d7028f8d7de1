-- sector_summary: per sector, the month's scored households, those in the two highest bands, and
-- those listed.
-- Reads: scores, outreach. Parameter: $month.
SELECT sector, count(*) AS households,
       count(*) FILTER (WHERE risk_band = 'tres_eleve') AS tres_eleve,
       count(*) FILTER (WHERE risk_band = 'eleve') AS eleve,
       (SELECT count(*) FROM outreach o WHERE o.sector = s.sector AND o.snapshot_month = $month) AS listed
FROM scores s
WHERE snapshot_month = $month
GROUP BY sector
ORDER BY sector
