-- drift: the features' distribution shift, as models/workflow.py wrote it.
-- Reads: drift.
SELECT * FROM drift
