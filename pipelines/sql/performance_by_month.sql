-- performance_by_month: the champion's own lists, month by month, once their labels have matured.
-- Reads: scores, labels, outreach.
SELECT s.snapshot_month, any_value(s.model_version) AS model_version, count(*) AS households,
       sum(l.judgment_within_horizon::INT) AS judged,
       count(o.household_key) AS listed,
       count(o.household_key) FILTER (WHERE l.judgment_within_horizon) AS listed_and_judged,
       count(o.household_key) FILTER (WHERE l.judgment_within_horizon) / nullif(count(o.household_key), 0)
           AS precision_of_list,
       count(o.household_key) FILTER (WHERE l.judgment_within_horizon)
           / nullif(sum(l.judgment_within_horizon::INT), 0) AS recall_of_list
FROM scores s
JOIN labels l USING (household_key, snapshot_month)
LEFT JOIN outreach o USING (household_key, snapshot_month)
GROUP BY 1
ORDER BY 1
