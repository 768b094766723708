"""Findings: plain French sentences computed from figures; masked figures are never stated."""

from datetime import date

from psynam.report import findings


def test_lowest_reach_names_the_arrondissement_and_the_gap():
    areas = [{"name": "Dinant", "reach_per_1000": 13.8}, {"name": "Namur", "reach_per_1000": 10.3},
             {"name": "Philippeville", "reach_per_1000": 13.7}]
    text = findings.lowest_reach(areas, 11.5)
    # (11.5 - 10.3) / 11.5 = 10.4 % -> "10 %"
    assert text == ("L'arrondissement de Namur a la portée la plus faible : 10,3 patients pour 1 000 habitants, "
                    "10 % sous la moyenne provinciale (11,5).")


def test_lowest_reach_with_a_masked_area_compares_nothing():
    areas = [{"name": "Dinant", "reach_per_1000": None}, {"name": "Namur", "reach_per_1000": 10.3}]
    assert "masquée" in findings.lowest_reach(areas, 11.5)


def test_south_share_closing_and_widening():
    assert findings.south_share(27.1, 35.8) == \
        "Le sud accueille 27,1 % des séances de la province pour 35,8 % de sa population (8,7 pt de moins)."
    assert findings.south_trend(27.1, 24.3, 35.8).startswith("L'écart se réduit : +2,8 pt")
    assert findings.south_trend(24.3, 27.1, 35.8).startswith("L'écart se creuse : -2,8 pt")
    assert findings.south_trend(None, 27.1, 35.8) is None


def test_a_small_count_is_never_stated():
    assert findings.priority_share("elderly", 3, 42.0, 18.9) == \
        "Le nombre de patients de 65 ans et plus est masqué (petits effectifs)."
    assert findings.priority_sessions(4, 10.0, 100) is None
    # a change against a small previous count would give it back: the sentence drops the change
    assert findings.priority_sessions(40, 10.0, 2) == "40 séances, soit 10,0 % des séances."


def test_budget_projection_flags():
    assert findings.budget_projection("RSN", 850.0, 1000.0, "ok") == \
        "RSN : la projection de fin d'année atteint 85,0 % de l'enveloppe plafonnée (850 € sur 1 000 €)."
    assert findings.budget_projection("RSN", 500.0, 1000.0, "low").endswith("sous le seuil de 85 %.")
    assert findings.budget_projection("RSN", 500.0, None, None) is None
    assert findings.budget_usage("RSK", 44.05, date(2024, 12, 31)) == \
        "RSK : 44,0 % de l'enveloppe plafonnée consommés au 31/12/2024."


def test_lowest_reach_without_any_patient_says_nothing():
    """A period without sessions (a Sunday, a month after the data): every reach is 0, the province's too —
    no gap to name, and no ZeroDivisionError (issue 11)."""
    areas = [{"name": "Dinant", "reach_per_1000": 0.0}, {"name": "Namur", "reach_per_1000": 0.0}]
    assert findings.lowest_reach(areas, 0.0) is None
    assert findings.lowest_reach(areas, 0) is None
