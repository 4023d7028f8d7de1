"""The documents the law asks for, per model version: model card, datasheet, Etalab entry,
AI Act Annex IV map, and the one CRPA notice to a household."""
