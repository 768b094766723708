"""Figures of the tiny fixture export (tests/fixtures/tiny), worked out by hand from docs/indicators.md.

Year 2024, all networks:
- sessions S01–S10 (S11 is 2023, S12 is 2025) = 10; individual 8; group S06 + S09 = 2.
- patients (individual sessions): PA, PB, PC, PD, PE = 5.
- active psychologists: PSY1, PSY2, PSY3 (sessions), PSY4 (clairvision CV1 only) = 4.
- session communes: S04 and S10 are video, so they take the patient's commune (91034, 93056);
  S07 is in Liège (outside the province). Province sessions 9; south (Dinant 91034, Philippeville 93056):
  S03, S04, S05, S06, S10 = 5 -> 5/9 = 55.56 %.
- south population: 177 601 / 495 832 = 35.82 %.
- elderly: age at the first individual session of the period: PA 70 (S01), PB 64 (S03; 65 at S04 does not
  count) -> 1 of 5 = 20 %.
- early childhood: S05 (age 1), S06 (tag perinatalite, partner PA3 petite_enfance), S08 (tag
  petite_enfance), S10 (age 2) = 4.
- registered partners: PA1, PA2, PA3, PA5, PA6 (PA4 left 2023-12-31) = 5; outside care PA2, PA3, PA5,
  PA6 = 80 %; active: PA1 (agreement AG1), PA2 (S03), PA3 (S06, CV2), PA6 (activity ACT1) = 4.
- budget: RSN individuel S01+S02+S04+S08 = 332 of 1000 (33.2 %); RSN outreaching S03 = 83; RSN groupe
  S09 = 326; RSN clairvision CV1 = 166; RSN administratif PA, PB, PE x 60 = 180 of 300 (60 %);
  RSK individuel S05+S07+S10 = 249 of 500 (49.8 %); RSK groupe S06 = 400; RSK clairvision CV2 = 124.50;
  RSK administratif PC, PD x 60 = 120 of 200 (60 %). Uncapped lines have no usage.
"""

YEAR_2024 = {
    "sessions": 10, "individual_sessions": 8, "group_sessions": 2, "patients": 5,
    "active_psychologists": 4, "registered_partners": 5, "active_partners": 4,
    "partners_outside_care_pct": 80.0, "south_sessions_pct": 55.56, "south_population_pct": 35.82,
    "elderly_patients": 1, "elderly_patients_pct": 20.0, "early_childhood_sessions": 4,
}

# RSN only: S01, S02, S03, S04, S08, S09; patients PA, PB, PE; psychologists PSY1, PSY3, PSY4;
# province sessions 6, south S03 + S04 = 2; partners PA1, PA2, PA6 (PA6 outside care, PA2 outside care).
YEAR_2024_RSN = {
    "sessions": 6, "individual_sessions": 5, "group_sessions": 1, "patients": 3,
    "active_psychologists": 3, "registered_partners": 3, "active_partners": 3,
    "partners_outside_care_pct": 66.67, "south_sessions_pct": 33.33, "south_population_pct": 35.82,
    "elderly_patients": 1, "elderly_patients_pct": 33.33, "early_childhood_sessions": 1,
}

# (year, network, category) -> (envelope_eur, spent_eur, usage_pct)
BUDGET_2024 = {
    (2024, "RSK", "administratif"): (200.0, 120.0, 60.0),
    (2024, "RSK", "clairvision"): (100.0, 124.5, None),
    (2024, "RSK", "groupe"): (400.0, 400.0, None),
    (2024, "RSK", "individuel"): (500.0, 249.0, 49.8),
    (2024, "RSN", "administratif"): (300.0, 180.0, 60.0),
    (2024, "RSN", "clairvision"): (200.0, 166.0, None),
    (2024, "RSN", "groupe"): (500.0, 326.0, None),
    (2024, "RSN", "individuel"): (1000.0, 332.0, 33.2),
    (2024, "RSN", "outreaching"): (100.0, 83.0, None),
}
