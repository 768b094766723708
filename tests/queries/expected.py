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


# ---- Proportionate universalism (docs/universalism.md) -----------------------------------------------
# The rows added for these figures leave every figure above unchanged: S10 is at the preferential tariff
# (4.00 instead of 11.00: no figure above reads either column); S13-S18 are in January 2025; ACT3 (2024)
# names no partner and ACT4 is in 2025; PSY5-PSY7 have no session.
#
# Year 2024, all networks. Patients and their individual sessions of 2024, in (date, id) order:
#   PA (RSN) S01 2024-01-10, S02 2024-02-10   first ever S11 2023-12-31 -> returning
#   PB (RSN) S03 2024-05-10 (BIM), S04 2024-06-10 (BIM)          new, second S04 after 31 days
#   PC (RSK) S05 2024-07-01, S10 2024-12-31 (BIM)                new, second S10 after 183 days
#   PD (RSK) S07 2024-09-01                                      new, no second session
#   PE (RSN) S08 2024-10-01; then S13 2025-01-20                 new, second S13 after 111 days
# - BIM at the first individual session of the period: PB only (PC's S10 is BIM, but S05 comes first)
#   -> 1 of 5 = 20 %. Sessions per patient: BIM 2 / 1 = 2.0; others (PA 2, PC 2, PD 1, PE 1) 6 / 4 = 1.5.
#   By network: RSN PA, PB, PE -> 1 of 3 = 33.33 %; RSK PC, PD -> 0 %.
#   By residence at that session: north PA (Namur), PE (Andenne) 0 of 2; south PB (Dinant), PC
#   (Philippeville) 1 of 2 = 50 %; hors province PD (Liège) 0 of 1. Arrondissements Namur 0/2, Dinant
#   1/1, Philippeville 0/1. Age bands: PA 70 -> 65+; PB 64, PE 40 -> 23-64 (1 of 2); PC 1 -> 0-2;
#   PD 16 -> 12-17.
# - new 4 (PB, PC, PD, PE), returning 1 (PA); single-session PD, PE = 2 (40 %): PE's second session is
#   in 2025, outside the period.
# - days first -> second over the new patients with a second session: 31, 111, 183 -> median 111;
#   over 30 days 3 of 3 (31 counts: "over" is strictly more), over 90 days 2 of 3 = 66.67 %.
#   RSN: PB 31, PE 111 -> median 71 (the mean of the two middle values), over 90: 1 of 2.
#   RSK: PC 183 -> median 183; PD has none.
# - care level of the first session of the period: PA premiere_ligne (2021 code); PB, PC, PE soutien;
#   PD traitement. 2021 level: premiere_ligne PA, PB, PC, PE; specialise PD.
# - courses (a new one after more than 183 days without an individual session in the network): PA
#   S11-S01-S02 (begun 2023), then S12 (326 days later: a second course, begun 2025); PB S03-S04; PC
#   S05-S10 (183 days: the same course); PD S07; PE S08-S13. Begun in 2024: PB 2, PC 2, PD 1, PE 2
#   sessions -> 4 courses, 7 sessions, 1.75 per course, 1 of one session. The data end on 2025-01-20:
#   only PB's course (last 2024-06-10, 224 days before) is closed -> 1 closed course of 2 sessions.
ACCESS_2024 = {  # breakdown, group -> (patients, bim_patients, bim_patients_pct)
    ("all", "all"): (5, 1, 20.0),
    ("network", "RSN"): (3, 1, 33.33), ("network", "RSK"): (2, 0, 0.0),
    ("zone", "north"): (2, 0, 0.0), ("zone", "south"): (2, 1, 50.0),
    ("zone", "hors_province"): (1, 0, 0.0), ("zone", "unknown"): (0, 0, None),
    ("arrondissement", "Namur"): (2, 0, 0.0), ("arrondissement", "Dinant"): (1, 1, 100.0),
    ("arrondissement", "Philippeville"): (1, 0, 0.0),
    ("age_band", "0_2"): (1, 0, 0.0), ("age_band", "3_11"): (0, 0, None), ("age_band", "12_17"): (1, 0, 0.0),
    ("age_band", "18_22"): (0, 0, None), ("age_band", "23_64"): (2, 1, 50.0), ("age_band", "65_plus"): (1, 0, 0.0),
}

PATHWAYS_2024 = {  # breakdown, group -> figures
    ("all", "all"): dict(patients=5, new_patients=4, returning_patients=1, single_session_patients=2,
                         new_with_second_session=3, median_days_first_to_second=111.0, over_short_wait=3,
                         over_long_wait=2, courses=4, course_sessions=7, single_session_courses=1,
                         closed_courses=1, closed_course_sessions=2),
    ("network", "RSN"): dict(patients=3, new_patients=2, returning_patients=1, single_session_patients=1,
                             new_with_second_session=2, median_days_first_to_second=71.0, over_short_wait=2,
                             over_long_wait=1, courses=2, course_sessions=4, single_session_courses=0,
                             closed_courses=1, closed_course_sessions=2),
    ("network", "RSK"): dict(patients=2, new_patients=2, returning_patients=0, single_session_patients=1,
                             new_with_second_session=1, median_days_first_to_second=183.0, over_short_wait=1,
                             over_long_wait=1, courses=2, course_sessions=3, single_session_courses=1,
                             closed_courses=0, closed_course_sessions=0),
    ("care_level", "premiere_ligne"): dict(patients=1, new_patients=0, returning_patients=1,
                                           single_session_patients=0, new_with_second_session=0,
                                           median_days_first_to_second=None, courses=0),
    ("care_level", "soutien"): dict(patients=3, new_patients=3, single_session_patients=1,
                                    median_days_first_to_second=111.0, courses=3, course_sessions=6),
    ("care_level", "traitement"): dict(patients=1, new_patients=1, single_session_patients=1,
                                       new_with_second_session=0, courses=1, course_sessions=1,
                                       single_session_courses=1),
    ("care_level", "specialise"): dict(patients=0, new_patients=0, courses=0),
    ("level_2021", "premiere_ligne"): dict(patients=4, new_patients=3, returning_patients=1,
                                           single_session_patients=1, median_days_first_to_second=111.0,
                                           courses=3, course_sessions=6),
    ("level_2021", "specialise"): dict(patients=1, new_patients=1, single_session_patients=1, courses=1),
}

# January 2025: PA (S12, a second course), PE (S13), PF (S14, S15 on the same day), PG (aged 20, followed
# by both networks: RSK S16 on 01-06, RSN S17 on 01-08 and S18 on 01-27). New: PF and PG. PF's first
# session by (date, id) is S14, at the preferential tariff -> BIM 1 of 4. Waits: PF 0 days (S15 the same
# day); PG 2 days (over both networks the second session is S17, RSK's first being S16) -> median 1;
# nobody over 30. Single-session: PA, PE. With RSN only, PG's first is S17 and second S18: 19 days; with
# RSK only, PG has no second session. Courses begun in January: PA's S12 (one session, 326 days after S02),
# PF's (2), PG's in RSK (1) and in RSN (2): 4 courses, 6 sessions, 2 of one session; PE's S13 continues the
# course begun with S08. Co-payments: S12 is free though PA's first first-line session was S11 (wrong,
# 11.00 expected); S16 and S17 are each PG's first first-line session in their network (free, right).
JANUARY_2025 = dict(patients=4, bim_patients=1, new_patients=2, single_session_patients=2,
                    median_days_first_to_second=1.0, over_short_wait=0)

# Supply in 2024 (practice communes): registered = conventioned over a day of 2024: PSY1 Namur, PSY2
# Dinant, PSY3 Philippeville, PSY4 Andenne, PSY5 Gembloux (from 2024-03-01), PSY7 Charleroi (outside the
# province); PSY6 (Ciney) ended on 2023-06-30. Active (a session or clairvision in 2024): PSY1, PSY2, PSY3
# (sessions), PSY4 (CV1). Province: 5 registered, 4 active -> 4 / 495 832 x 10 000 = 0.0807. Communes with
# no psychologist practising (no active one): the 34 others, Gembloux included (PSY5 has no session).
# RSN: registered PSY1, PSY3 (RSN+RSK), PSY4, PSY7; active with RSN sessions or clairvisions PSY1, PSY3
# (S08), PSY4 (CV1) -> 3 / 495 832 x 10 000 = 0.0605. RSK: active PSY2, PSY3 (S07) -> 0.0403.
SUPPLY_2024 = {  # area -> (population, registered, active)
    "Namur": (318_231, 3, 2), "Dinant": (111_286, 1, 1), "Philippeville": (66_315, 1, 1),
    "north": (318_231, 3, 2), "south": (177_601, 2, 2), "province": (495_832, 5, 4),
    "hors_province": (None, 1, 0),
}

# Co-payments in 2024 (rules in data/reference/copayment_rules.csv, amounts in tariffs.csv). A patient's
# first first-line individual session in a network is free: PA's is S11 (2023), PB's S03, PC's S05, PE's
# S08; PD has only a specialised session (S07). So:
#   S01 PA, not first, not BIM: 11.00 expected, 0.00 asked -> undercharged by 11
#   S03 PB, first first-line: 0.00 expected, 4.00 asked -> overcharged by 4
#   S02 (11), S04 (BIM 4), S05 (0), S06 (group 2.50), S07 (11), S08 (0), S09 (group 2.50), S10 (BIM 4): right.
COPAYMENT_2024 = {  # rule, network -> (expected_fee_eur, sessions, mismatched, over, under, over_eur, under_eur)
    ("first_first_line_session", "RSN"): (0.0, 2, 1, 1, 0, 4.0, 0.0),
    ("first_first_line_session", "RSK"): (0.0, 1, 0, 0, 0, 0.0, 0.0),
    ("individual_preferential", "RSN"): (4.0, 1, 0, 0, 0, 0.0, 0.0),
    ("individual_preferential", "RSK"): (4.0, 1, 0, 0, 0, 0.0, 0.0),
    ("individual", "RSN"): (11.0, 2, 1, 0, 1, 0.0, 11.0),
    ("individual", "RSK"): (11.0, 1, 0, 0, 0, 0.0, 0.0),
    ("group", "RSN"): (2.5, 1, 0, 0, 0, 0.0, 0.0),
    ("group", "RSK"): (2.5, 1, 0, 0, 0, 0.0, 0.0),
}

# Network life in 2024: ACT1 (05/05, midi de réseau, Namur, 12 participants, PA6 + PA4), ACT2 (09/09,
# coordination, online, 5), ACT3 (20/11, intervision, Dinant, 6, no partner named) -> 3 activities, 23
# participants, 1 online; partners represented PA6, PA4 = 2 (PA4 left on 2023-12-31 but was named),
# sectors jeunesse, cpas = 2; communes Namur, Dinant = 2. Registered partners PA1, PA2, PA3, PA5, PA6:
# never seen PA1, PA2, PA3, PA5 = 4 of 5 (ACT4, naming PA1-PA3, is in 2025).
NETWORK_2024 = dict(activities=3, online_activities=1, participants=23, partners_represented=2,
                    sectors_represented=2, communes=2, registered_partners=5, partners_never_seen=4)

# The metrics command's new keys (same reasoning as above).
UNIVERSALISM_2024 = {
    "bim_patients": 1, "bim_patients_pct": 20.0, "new_patients": 4, "single_session_patients": 2,
    "median_days_first_to_second": 111.0, "active_psychologists_per_10000": 0.08,
    "network_activities": 3, "activity_participants": 23,
}
UNIVERSALISM_2024_RSN = {
    "bim_patients": 1, "bim_patients_pct": 33.33, "new_patients": 2, "single_session_patients": 1,
    "median_days_first_to_second": 71.0, "active_psychologists_per_10000": 0.06,
    "network_activities": 3, "activity_participants": 23,  # activities carry no network
}
