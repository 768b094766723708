"""The encoding of each file is decided with evidence, line by line (issue 17, item 2): a file mixing UTF-8
and Windows-1252 lines is read each line in its own encoding with a warning naming the lines — never
garbled —, a line valid in neither refuses the file naming it; and the messages for odd line endings and
long quoted fields say what is wrong, in French."""

from __future__ import annotations

from psynam.ingest import import_paths
from tests.ingest.conftest import messages, rows

HEADER = "partner_id;name;sector;commune;network;joined_on\n"


def partner(i: int, name: str, commune: str = "Ciney") -> str:
    return f"P{i};{name};maison_medicale;{commune};RSN;2022-01-01\n"


def _names(db) -> list[tuple[str, str]]:
    return rows(db, "select partner_id, name from partners order by length(partner_id), partner_id")


def test_one_latin1_line_in_a_utf8_file_is_read_in_its_own_encoding_with_a_warning(tmp_path, db):
    path = tmp_path / "partners.csv"
    path.write_bytes(HEADER.encode() + partner(1, "Maison médicale Ciney").encode()
                     + partner(2, "Centre de santé d'Éghezée", "Eghezée").encode("cp1252")
                     + partner(3, "Crèche Les Bambins").encode())
    report = import_paths([path], db)
    assert report.ok
    assert _names(db) == [("P1", "Maison médicale Ciney"), ("P2", "Centre de santé d'Éghezée"),
                          ("P3", "Crèche Les Bambins")]          # before: "Maison mÃ©dicale Ciney"
    assert messages(report, "warning") == [
        f"{path}:3: -: avertissement : encodages mêlés : 1 ligne(s) en Windows-1252 (Latin-1) dans un fichier "
        "UTF-8 (lignes 3) ; chacune est lue dans son encodage, vérifiez leurs accents"]


def test_one_utf8_line_in_a_windows_1252_file_is_named(tmp_path, db):
    path = tmp_path / "partners.csv"
    body = [partner(i, f"Maison médicale n° {i}").encode("cp1252") for i in range(1, 5)]
    body.insert(2, partner(9, "Crèche Les Bambins").encode())
    path.write_bytes(HEADER.encode("cp1252") + b"".join(body))
    report = import_paths([path], db)
    assert report.ok and ("P9", "Crèche Les Bambins") in _names(db) and ("P1", "Maison médicale n° 1") in _names(db)
    [warning] = messages(report, "warning")
    assert ": 1 ligne(s) en UTF-8 dans un fichier Windows-1252 (lignes 4)" in warning


def test_a_windows_1252_file_has_no_warning(tmp_path, db):
    path = tmp_path / "partners.csv"
    path.write_bytes((HEADER + partner(1, "Maison médicale Ciney") + partner(2, "Œuvre « Les Petits »")).encode("cp1252"))
    report = import_paths([path], db)
    assert report.ok and not report.issues
    assert _names(db) == [("P1", "Maison médicale Ciney"), ("P2", "Œuvre « Les Petits »")]


def test_a_line_mixing_both_encodings_refuses_the_file_naming_it(tmp_path, db):
    path = tmp_path / "partners.csv"
    mixed = "P2;Médicale ".encode() + "Éghezée;maison_medicale;Ciney;RSN;2022-01-01\n".encode("cp1252")
    path.write_bytes(HEADER.encode() + partner(1, "Maison médicale").encode() + mixed)
    report = import_paths([path], db)
    assert report.status == "unreadable" and not db.exists()
    assert messages(report) == [f"{path}: -: ligne 3 : UTF-8 et Windows-1252 mêlés dans une même ligne : fichier "
                                "refusé ; enregistrez-le en UTF-8 (ou en Windows-1252) d'un seul tenant et réessayez"]


def test_a_byte_windows_1252_does_not_define_refuses_the_file_naming_its_line(tmp_path, db):
    path = tmp_path / "partners.csv"
    path.write_bytes((HEADER + partner(1, "Maison médicale")).encode("cp1252") + b"P2;Caf\x81;social;Ciney;RSN;2022-01-01\n")
    [error] = messages(import_paths([path], db))
    assert error.startswith(f"{path}: -: ligne 3 : octet 0x81 illisible en UTF-8 comme en Windows-1252 : fichier refusé")


def test_classic_mac_line_endings_are_read_with_their_lines(tmp_path, db):
    path = tmp_path / "partners.csv"
    text = HEADER + partner(1, "Maison médicale") + partner(2, "Crèche", "Gembloox") + partner(3, "CPAS")
    path.write_bytes(text.replace("\n", "\r").encode())
    report = import_paths([path], db, accept_valid=True)       # before: "aucune ligne de données"
    assert report.ok and report.tables["partners"].inserted == 2
    assert messages(report)[0].startswith(f"{path}:3: commune: commune inconnue")


def test_a_long_quoted_field_with_line_breaks_is_rejected_by_its_length_in_french(tmp_path, db):
    path = tmp_path / "partners.csv"
    long = '"' + ("Ligne de texte\n" * 600_000) + '"'         # 9 MB across line breaks
    path.write_text(HEADER + partner(1, "Maison médicale") + partner(2, long) + partner(3, "CPAS"), encoding="utf-8")
    report = import_paths([path], db)
    [error] = messages(report)                                  # before: "guillemet non fermé … field larger than"
    assert error.startswith(f"{path}:3: name: texte trop long (8 999 999 caractères ; au plus 300)")
    assert "field larger" not in error and len(error) < 400 and "\n" not in error


def test_the_quick_utf8_search_finds_every_sequence_the_full_search_finds():
    """_holds_utf8_sequence first searches the non-ASCII bytes alone: on random mixtures of ASCII, Windows-1252
    accents and punctuation, and UTF-8 characters (apart, side by side, split by ASCII), it answers as the
    search over the whole part does."""
    import random

    from psynam.ingest.csvfile import _UTF8_SEQUENCE, _holds_utf8_sequence

    pieces = [b"a", b";", b"\n", b"12", "é".encode("cp1252"), "É".encode("cp1252"), "’".encode("cp1252"),
              "«".encode("cp1252"), "°".encode("cp1252"), "€".encode("cp1252"), "é".encode(), "’".encode(),
              "€".encode(), "🙂".encode(), b"\xc3", b"\xa9", b"\xe2\x82"]
    rng = random.Random(15)
    found = {True: 0, False: 0}
    for _ in range(20000):
        part = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        expected = _UTF8_SEQUENCE.search(part) is not None
        assert _holds_utf8_sequence(part) == expected, part
        found[expected] += 1
    assert found[True] > 1000 and found[False] > 1000  # both answers were put to the test
