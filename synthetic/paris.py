"""Public Paris figures the demo city is calibrated on (see shared/paris-figures.md).

Kinds: S sourced, D derived, E estimate. Figures are approximate; the demo city keeps the
Paris-wide totals and the east/west rankings, not every cell.
"""

from __future__ import annotations

# Per arrondissement (households, social-housing share, poverty rate, median income, QPV areas),
# the postcodes and the sectors now live in abri/cities/paris.toml, with the city-wide tenant
# shares, rents per m2 and social landlords ([demo]): the demo city reads them from the city file.
# ~6% of Parisians live in a QPV (S, 2024).
QPV_RESIDENT_SHARE = 0.06

TENANT_HOUSEHOLDS = 698_003  # S, census 2021

# Household composition, Paris 2020 (S): single / couple / couple+children / single parent / other
COMPOSITION = {
    "personne_seule": 0.522,
    "couple_sans_enfant": 0.193,
    "couple_avec_enfants": 0.166,
    "famille_monoparentale": 0.084,
    "autre": 0.036,
}

POVERTY_LINE_PER_CU = 1_150  # EUR a month per consumption unit, 2021 (S)
FSL_INCOME_CEILING_SINGLE = 1_390  # EUR a month (S, 2009)

# Eviction funnel targets (S national 2009 ratios; Paris judgment rate D 2015)
JUDGMENTS_PER_TENANT_HOUSEHOLD_YEAR = 0.0096  # all causes; ~0.82% unpaid rent
FUNNEL_2009 = {
    "assignation": 139_598,
    "jugement": 106_938,
    "commandement_quitter": 56_936,
    "demande_concours": 41_657,
    "octroi_concours": 23_894,
    "expulsion": 10_599,
}
SOCIAL_TENANTS_IN_ARREARS = 0.14  # >= 1 month owed, three city landlords, Dec 2022 (S)
JUDGMENT_SHARE_PRIVATE_LANDLORDS = 0.57  # of police-assistance requesters, 2016 (S)

# Nationality groups of the reference person among tenants (E from ~14.5% foreign nationals
# aged 15+, S 2020), higher in the north-east.
FOREIGN_SHARE_BASE = 0.14
EU_SHARE_OF_FOREIGN = 0.35
AAH_SHARE_OF_HOUSEHOLDS = 31_500 / 1_128_251  # S/D
