-- model_evaluation: each version's backtest metrics by month.
-- Reads: model_evaluation.
SELECT * FROM model_evaluation
