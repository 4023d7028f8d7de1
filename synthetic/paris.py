"""Public Paris figures the demo city is calibrated on (see shared/paris-figures.md).

Kinds: S sourced, D derived, E estimate. Figures are approximate; the demo city keeps the
Paris-wide totals and the east/west rankings, not every cell.
"""

from __future__ import annotations

# arr: (households E, social housing share S/E, poverty rate S/E, median income per CU EUR/year)
ARRONDISSEMENTS: dict[int, tuple[int, float, float, int]] = {
    1: (9_419, 0.09, 0.12, 35_030),
    2: (10_700, 0.05, 0.14, 32_380),
    3: (17_300, 0.07, 0.13, 33_180),
    4: (14_700, 0.12, 0.14, 31_790),
    5: (29_700, 0.11, 0.12, 33_000),
    6: (21_700, 0.03, 0.08, 40_000),
    7: (25_800, 0.022, 0.07, 45_380),
    8: (19_000, 0.03, 0.09, 42_000),
    9: (30_800, 0.05, 0.11, 37_220),
    10: (45_100, 0.17, 0.18, 27_000),
    11: (74_300, 0.15, 0.15, 30_210),
    12: (74_200, 0.23, 0.14, 30_000),
    13: (97_500, 0.40, 0.18, 26_000),
    14: (73_400, 0.25, 0.14, 30_000),
    15: (123_500, 0.18, 0.10, 33_000),
    16: (85_700, 0.06, 0.09, 45_000),
    17: (85_600, 0.17, 0.13, 32_000),
    18: (98_500, 0.22, 0.24, 23_000),
    19: (96_100, 0.41, 0.25, 22_870),
    20: (99_500, 0.33, 0.22, 23_570),
}

# Arrondissements with QPV areas (E list); ~6% of Parisians live in a QPV (S, 2024).
QPV_ARRONDISSEMENTS = (10, 11, 13, 14, 17, 18, 19, 20)
QPV_RESIDENT_SHARE = 0.06

TENANT_HOUSEHOLDS = 698_003  # S, census 2021
SOCIAL_TENANT_SHARE_OF_HOUSEHOLDS = 0.181  # S, census 2021 (HLM tenants)
PRIVATE_TENANT_SHARE_OF_HOUSEHOLDS = 0.438  # D

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
PRIVATE_RENT_PER_M2 = 24.6  # EUR, unfurnished, 2022 (S/D)
SOCIAL_RENT_PER_M2 = 8.0  # EUR, 2023 (E)

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

SOCIAL_LANDLORDS = {"PARIS_HABITAT": 0.45, "RIVP": 0.22, "ELOGIE_SIEMP": 0.10, "AUTRE_ESH": 0.23}
