"""The partners view (psynam/views/partners.py) headless on the tiny fixture, figures worked out by hand
(tests/queries/test_partners.py lists the fixture's partners, agreements and activity evidence).

2024, all networks: registered PA1, PA2, PA3, PA5, PA6 = 5; active PA1 (AG1), PA2 (S03), PA3 (S06, CV2), PA6
(ACT1) = 4; without activity PA5 = 1; new PA3, PA5 = 2; ended PA5 = 1; outside care PA2, PA3, PA5, PA6 = 4 of
5 = 80 %; full members PA1, PA3 = 2 of the 5 with a known status = 40 %; agreements in force AG1 = 1, 8 h/month.
2023: registered PA1, PA2, PA4, PA6 = 4; active PA1 (AG1), PA4 (AG2) = 2; AG1 + AG2 in force, 8 + 4.5 h.
"""

from datetime import date
from functools import partial

import polars as pl
import pytest

from psynam import db, views
from psynam.filters import Filters
from psynam.views.partners import Partners
from tests.conftest import load_tiny

Y2023 = Filters(date(2023, 1, 1), date(2023, 12, 31))
Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def view(source) -> Partners:
    return Partners(source, Y2024, comparison=Y2023)


def labelled(result, key: str = "group_label", *columns: str) -> dict:
    return {r[key]: tuple(r[c] for c in columns) for r in result.frame.iter_rows(named=True)}


# ---- headline figures -----------------------------------------------------------------------------

def test_kpis_derive_the_inactive_partners_and_the_agreements(view):
    assert view.kpis.row() == {
        "registered_partners": 5, "active_partners": 4, "inactive_partners": 1, "new_partners": 2,
        "ended_partners": 1, "partners_outside_care": 4, "partners_outside_care_pct": 80.0,
        "partners_full_members_pct": 40.0, "agreements_in_force": 1, "agreed_hours_per_month": 8.0}
    before = view.before.kpis.row()
    assert before["registered_partners"] == 4 and before["inactive_partners"] == 2
    assert before["agreements_in_force"] == 2 and before["agreed_hours_per_month"] == 12.5
    assert view.before.filters == Y2023 and view.has_partners


def test_a_period_without_partners_has_none_and_no_agreement(source):
    # January 2022 in the Philippeville arrondissement: PA3 joins only in 2024
    empty = Partners(source, Filters(date(2022, 1, 1), date(2022, 1, 31), arrondissements=["Philippeville"]))
    assert not empty.has_partners
    row = empty.kpis.row()
    assert row["registered_partners"] == 0 and row["agreements_in_force"] == 0
    assert row["agreed_hours_per_month"] == 0.0 and row["partners_outside_care_pct"] is None


def test_partner_counts_are_organisations_and_never_hidden(source):
    """RSK in 2023: PA4 alone, registered and active — a 1 that is published as it is, everywhere."""
    rsk = Partners(source, Filters(date(2023, 1, 1), date(2023, 12, 31), networks=["RSK"]))
    assert rsk.kpis.published().frame["registered_partners"][0] == 1
    for result in (rsk.kpis, rsk.partners_by_month, rsk.partners_by_network, rsk.partners_by_care,
                   rsk.partners_by_arrondissement, rsk.partners_by_commune, rsk.agreements_by_sector):
        assert not result.published().any_hidden, result.name
    assert labelled(rsk.partners_by_network, "group_label", "registered_partners") == {
        "RSK (enfants et adolescents)": (1,)}


# ---- breakdowns, named in French ------------------------------------------------------------------

def test_groups_are_named_in_french(view):
    assert labelled(view.partners_by_care, "group_label", "registered_partners", "active_partners",
                    "inactive_partners") == {"Hors soins": (4, 3, 1), "Soins": (1, 1, 0)}
    assert labelled(view.partners_by_membership, "group_label", "registered_partners") == {
        "Effectif": (2,), "Adhérent": (3,)}
    assert set(labelled(view.partners_by_sector)) == {
        "Maison médicale", "Maison de repos (MR/MRS)", "Petite enfance (ONE, crèches, maternité)",
        "Enseignement (écoles, PMS)", "Jeunesse (AMO)"}
    assert set(labelled(view.before.partners_by_membership)) == {"Effectif", "Adhérent", "Statut inconnu"}
    assert labelled(view.before.partners_by_network, "group_label", "registered_partners") == {
        "RSN (adultes)": (4,), "RSK (enfants et adolescents)": (1,)}


def test_each_dimension_exports_its_own_header_and_only_its_columns(view):
    assert [c.header for c in view.partners_by_care.columns()][:2] == ["Soins / hors soins", "Inscrits"]
    assert [c.header for c in view.partners_by_sector.columns()][0] == "Secteur"
    assert "population" not in view.partners_by_sector.frame.columns
    area = view.partners_by_arrondissement
    assert [c.name for c in area.columns()][-2:] == ["population", "partners_per_10000"]
    assert area.title == "Partenaires par arrondissement"


def test_time_results_share_one_query_and_carry_their_own_titles(view):
    assert view.partners_by_month.frame["registered_partners"].to_list() == [3, 3, 4, 4, 4, 5, 5, 5, 5, 5, 5, 4]
    assert view.agreements_by_month.title == "Conventions tripartites en cours par mois"
    assert view.partners_by_month.title == "Partenaires inscrits et actifs par mois"
    assert [c.header for c in view.agreements_by_month.columns("agreements")] == [
        "Mois", "Conventions en cours", "Heures convenues par mois"]


def test_agreements_by_sector_are_named(view):
    assert labelled(view.before.agreements_by_sector, "group_label", "agreements_in_force", "hours_per_month") == {
        "Maison médicale": (1, 8), "CPAS": (1, 4.5)}


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """The tiny export plus PX1, a partner in Liège (outside the province) with one session held for it, and
    AGX, a 2024 agreement of 10 h/month with PZ9, a partner absent from the partners list."""
    path = tmp_path_factory.mktemp("partners_view") / "outside.duckdb"
    load_tiny(path)
    con = db.connect(path)
    con.execute("insert into partners values ('PX1', 'Service liégeois', 'ssm', '62063', 'RSN', 'effectif', "
                "date '2020-01-01', null, null)")
    con.execute("insert into sessions (session_id, session_date, network, psychologist_id, care_level, format, "
                "setting, patient_id, patient_age, patient_commune, session_commune, partner_id, fee_inami_eur, "
                "fee_patient_eur) values ('SX1', date '2024-03-03', 'RSN', 'PSY1', 'soutien', 'individuel', "
                "'partenaire', 'PX', 30, '92094', '92094', 'PX1', 83, 11)")
    con.execute("insert into agreements values ('AGX', 'PZ9', 'PSY2', 'RSN', date '2023-12-01', date '2024-01-01', "
                "null, 10.0, 'partenaire')")
    db.refresh_derived(con)
    con.close()
    con = db.connect(path, read_only=True)
    yield Partners(views.Source(partial(db.run, con)), Y2024)
    con.close()


def test_what_lies_outside_the_province_or_the_list_is_named(outside):
    assert labelled(outside.partners_by_commune, "commune_name", "commune", "registered_partners")[
        "Hors province"] == (None, 1)
    assert labelled(outside.partners_by_arrondissement, "group_label", "registered_partners")["Hors province"] == (1,)
    assert labelled(outside.agreements_by_sector, "group_label", "hours_per_month")[
        "Partenaire absent de la liste"] == (10,)
    assert outside.kpis.value("agreements_in_force") == 2 and outside.kpis.value("agreed_hours_per_month") == 18.0
    table = outside.partners_table.frame
    assert table.filter(pl.col("partner_id") == "PX1")["commune_name"].item() == "Hors province"


# ---- the partner list, its search and its most active partners ------------------------------------

def test_table_names_codes_and_flags_in_words(view):
    older = view.before.partners_table.frame
    assert dict(older.select("partner_id", "membership_label").rows()) == {
        "PA1": "Effectif", "PA2": "Adhérent", "PA4": "Statut inconnu", "PA6": "Adhérent"}
    assert dict(older.select("partner_id", "active_label").rows())["PA2"] == "non"
    assert [c.header for c in view.partners_table.columns("table")][:4] == ["Identifiant", "Nom", "Secteur", "Commune"]


def test_search_is_case_and_accent_insensitive_and_literal(view):
    def ids(text, partners=view):
        return sorted(partners.listed(text).frame["partner_id"])

    assert ids("") == ids(None) == ids("   ") == ["PA1", "PA2", "PA3", "PA5", "PA6"]
    assert ids("creche") == ids("CRÈCHE") == ids("  crèche   lutins ") == ["PA3"]
    assert ids("dinant") == ["PA2", "PA6"]                 # commune
    assert ids("jeunesse (amo)") == ["PA6"]                # sector, parentheses taken literally
    assert ids("<b>") == ["PA6"] and ids("=hyperlink") == ["PA5"]
    assert ids("médicale namur") == ["PA1"]                # every word must match
    assert ids(".*") == [] and ids("[") == []
    assert ids("cpas d'andenne", view.before) == ["PA4"]  # ’ typed as '


def test_inactive_only_lists_the_partners_without_activity(view):
    assert view.listed(None, inactive_only=True).frame["partner_id"].to_list() == ["PA5"]
    assert view.listed("namur", inactive_only=True).frame["partner_id"].to_list() == ["PA5"]
    assert view.listed("lutins", inactive_only=True).is_empty


def test_most_active_ranks_partners_and_hides_what_the_list_hides(view):
    """PA3 has 2 (S06 + CV2); PA6 (ACT1) and PA2 (S03) 1 each, in the list's order (by name: AMO before MR);
    PA1 (an agreement only) and PA5 (nothing) have no activity to rank. Sessions and clairvisions of 1 are
    `< 5` in both places."""
    top = view.most_active
    assert top.frame["partner_id"].to_list() == ["PA3", "PA6", "PA2"]
    assert top.title == "Partenaires les plus actifs"
    whole, part = view.partners_table.published(), top.published()
    rows = view.partners_table.frame["partner_id"].to_list()
    for i, partner in enumerate(part.frame["partner_id"]):
        for column in ("sessions", "clairvisions"):
            assert part.mark(column, i) == whole.mark(column, rows.index(partner)), (partner, column)
    assert part.frame["sessions"].to_list() == [0, None, None]  # hidden cells are null, never a value


def test_a_published_top_is_ranked_on_published_figures_only(view):
    """Published, PA3's 2 and PA2's 1 are marks: ranked on what is published, PA6's one activity comes
    first and the two hidden partners follow in the list's order — PA3 ranked above PA6 would tell that
    its hidden activity is worth more than 1."""
    part = view.most_active.published()
    assert part.frame["partner_id"].to_list() == ["PA6", "PA3", "PA2"]
    assert [part.mark("sessions", i) for i in range(3)] == [None, "< 5", "< 5"]
    assert view.most_active.frame["partner_id"].to_list() == ["PA3", "PA6", "PA2"]  # the coordinator's: exact


def test_sector_totals_are_known_so_a_complement_is_taken_in_the_same_sector(view):
    """Sessions at the partners of a sector are published elsewhere (nursing homes, early childhood): with
    PA3 (2 sessions) and PA1 (7) in one sector, hiding PA3 alone would let 9 - 7 give it back, so the
    complement is PA1's 7 — not PA2's smaller 6, which would leave the sector's total exposing PA3."""
    frame = view.partners_table.whole.with_columns(
        sessions=pl.Series([0, 0, 2, 7, 6]), group_sessions=pl.Series([0] * 5), clairvisions=pl.Series([0] * 5),
        sector_label=pl.Series(["a", "b", "health", "health", "c"]))
    assert frame["partner_id"].to_list() == ["PA5", "PA6", "PA3", "PA1", "PA2"]
    published = views.Result.of("partners/partners_table", frame).published()
    assert published.column_marks("sessions") == [None, None, "< 5", "masqué", None]
