"""Map geometry for the south page: the commune boundaries (by default the simplified Statbel copy shipped in
data/reference/namur_communes.geojson, or another GeoJSON named by $PSYNAM_BOUNDARIES), and the optional tile
layout (one equal square per commune, laid out from the reference centroids).

Both work offline: the tile layout is computed from data/reference/communes.csv, and a boundaries file is
drawn on a blank map with no base layer to fetch. A missing or unusable file never breaks the page: it
gives a French warning and the page falls back to tiles.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

BOUNDARIES_ENV = "PSYNAM_BOUNDARIES"  # another boundaries file than the shipped one
# The shipped boundaries: Statbel's communes of the province, simplified (python -m psynam.geo; © Statbel,
# processed geometry CC-BY; data/reference/README.md).
DEFAULT_BOUNDARIES = Path(__file__).resolve().parent.parent / "data" / "reference" / "namur_communes.geojson"
BOUNDARIES_KEY_ENV = "PSYNAM_BOUNDARIES_KEY"  # optional: the feature property that holds the NIS code
KEY_CANDIDATES = ("nis", "NIS", "nis_code", "NISCode", "niscode", "refnis", "REFNIS", "CD_REFNIS",
                  "code_ins", "CODE_INS", "ins", "INS")

# Tiles fill about this share of the centroids' bounding box: loose enough that every commune finds a
# cell near its centroid, tight enough that the tiles still read as one territory.
TILE_FILL = 0.95

MESSAGES = {  # French: shown on the page as warnings
    "missing": "Fichier de limites introuvable ({path}) : la carte est dessinée en tuiles.",
    "invalid": "Fichier de limites illisible ({path} : {reason}) : la carte est dessinée en tuiles.",
    "no_match": "Aucune commune du fichier de limites ({path}) n'a de code INS reconnu : la carte est dessinée en tuiles.",
    "partial": "Le fichier de limites ne contient pas {count} commune(s) de la province : {names}.",
}


# ---- tile layout -----------------------------------------------------------------------------------

def _assign(cost: list[list[float]]) -> list[int]:
    """Minimum-cost assignment of n rows to distinct columns (n <= m), Hungarian algorithm (O(n² m)).
    Returns, for each row, its column. Deterministic: ties are broken by the lowest index."""
    n, m = len(cost), len(cost[0])
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)  # p[j]: row (1-based) assigned to column j
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    out = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            out[p[j] - 1] = j - 1
    return out


def tile_layout(communes: pl.DataFrame, fill: float = TILE_FILL) -> pl.DataFrame:
    """One grid cell per commune (nis, col, row; row grows northwards), as close as possible to the
    commune's centroid: centroids are scaled to a grid whose cells cover `fill` of their bounding box,
    then each commune gets a distinct cell by a minimum total squared distance assignment. The result
    depends only on the reference data (sorted by NIS), so it is the same on every run."""
    ref = communes.select("nis", "lat", "lon").sort("nis")
    n = ref.height
    if n == 0:
        return pl.DataFrame(schema={"nis": pl.Utf8, "col": pl.Int64, "row": pl.Int64})
    lat0 = math.radians(sum(ref["lat"]) / n)
    xs = [lon * math.cos(lat0) for lon in ref["lon"]]
    ys = list(ref["lat"])
    width, height = (max(xs) - min(xs)) or 1e-6, (max(ys) - min(ys)) or 1e-6
    cell = math.sqrt(width * height / (n / fill)) if n > 1 else 1.0
    gx = [(x - min(xs)) / cell for x in xs]
    gy = [(y - min(ys)) / cell for y in ys]
    cols = range(-1, math.ceil(max(gx)) + 2)
    rows = range(-1, math.ceil(max(gy)) + 2)
    cells = [(c, r) for r in rows for c in cols]
    cost = [[(x - c) ** 2 + (y - r) ** 2 for c, r in cells] for x, y in zip(gx, gy)]
    chosen = [cells[j] for j in _assign(cost)]
    min_c, min_r = min(c for c, _ in chosen), min(r for _, r in chosen)
    return pl.DataFrame({"nis": ref["nis"], "col": [c - min_c for c, _ in chosen],
                         "row": [r - min_r for _, r in chosen]}, schema={"nis": pl.Utf8, "col": pl.Int64,
                                                                         "row": pl.Int64})


@lru_cache(maxsize=4)
def _cached_layout(key: tuple) -> pl.DataFrame:
    nis, lat, lon = key
    return tile_layout(pl.DataFrame({"nis": list(nis), "lat": list(lat), "lon": list(lon)}))


def tiles(communes: pl.DataFrame) -> pl.DataFrame:
    """The reference communes with their tile (col, row) and short label, computed once per territory."""
    ref = communes.sort("nis")
    layout = _cached_layout((tuple(ref["nis"]), tuple(ref["lat"]), tuple(ref["lon"])))
    return ref.join(layout, on="nis").with_columns(
        pl.col("name_fr").map_elements(short_name, return_dtype=pl.Utf8).alias("short_name"))


VOWELS = set("aeiouyàâäéèêëîïôöûü")


def short_name(name: str, width: int = 9) -> str:
    """A tile label of lines of at most `width` characters (a tile of a half-page image holds about nine):
    `Jemeppe-sur-Sambre` -> `Jemeppe<br>s/ Sambre`, `Somme-Leuze` -> `Somme-<br>Leuze`, `Philippeville` ->
    `Philippe-<br>ville`, `Cerfontaine` -> `Cerfon-<br>taine` (between two consonants, nearest the middle);
    names that fit are kept whole."""
    words = name.replace("-sur-", " s/ ").replace("-la-", " la ")
    if len(words) <= width:
        return words
    for sep in (" s/ ", " la ", "-", " "):
        if sep in words:
            head, tail = words.split(sep, 1)
            if len(head) <= width:
                return f"{head}-<br>{tail}" if sep == "-" else f"{head}<br>{sep.strip() + ' ' if sep.strip() else ''}{tail}"
    if words.endswith("ville"):
        return f"{words[:-5]}-<br>ville"
    cuts = [k for k in range(2, len(words) - 1) if words[k - 1].lower() not in VOWELS
            and words[k].lower() not in VOWELS and k < width and len(words) - k <= width]
    if cuts:
        k = min(cuts, key=lambda k: abs(k - len(words) / 2))
        return f"{words[:k]}-<br>{words[k:]}"
    return f"{words[:width - 1]}."


def tile_borders(placed: pl.DataFrame, group: str = "arrondissement") -> list[tuple[float, float, float, float]]:
    """Edges (x0, y0, x1, y1) of tiles where the neighbour across the edge belongs to another group or is
    empty: drawn thick, they outline each arrondissement on the tile map."""
    where = {(c, r): g for c, r, g in zip(placed["col"], placed["row"], placed[group])}
    edges = []
    for (c, r), g in sorted(where.items()):
        for dc, dr, edge in ((1, 0, (c + .5, r - .5, c + .5, r + .5)), (-1, 0, (c - .5, r - .5, c - .5, r + .5)),
                             (0, 1, (c - .5, r + .5, c + .5, r + .5)), (0, -1, (c - .5, r - .5, c + .5, r - .5))):
            if where.get((c + dc, r + dr)) != g:
                edges.append(edge)
    return sorted(set(edges))


# ---- optional real boundaries ------------------------------------------------------------------------

@dataclass(frozen=True)
class Boundaries:
    """What $PSYNAM_BOUNDARIES gave: a FeatureCollection restricted to the province's communes, each
    feature's `id` set to its NIS code and its rings wound as the map library expects; or None, with the
    warning that explains why the page draws tiles instead."""

    geojson: dict | None = None
    warning: str | None = None
    path: str | None = None
    missing: tuple[str, ...] = field(default=())

    @property
    def usable(self) -> bool:
        return self.geojson is not None


def _ring_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:])) / 2


def _wound(rings: list) -> list:
    # d3-geo (Plotly's geo maps) reads a counter-clockwise exterior as "the whole globe but this polygon":
    # exterior rings clockwise, holes counter-clockwise.
    out = []
    for k, ring in enumerate(rings):
        clockwise = _ring_area(ring) < 0
        want_clockwise = k == 0
        out.append(ring if clockwise == want_clockwise else list(reversed(ring)))
    return out


def _rewound(geometry: dict) -> dict:
    if geometry.get("type") == "Polygon":
        return {"type": "Polygon", "coordinates": _wound(geometry["coordinates"])}
    if geometry.get("type") == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [_wound(p) for p in geometry["coordinates"]]}
    raise ValueError(f"géométrie {geometry.get('type')} non prise en charge")


def _nis_key(features: list[dict], codes: set[str], configured: str | None) -> str | None:
    """The property holding the NIS code: the configured one, else the candidate (or any property)
    whose values match the most reference codes."""
    def matches(key: str) -> int:
        return sum(str((f.get("properties") or {}).get(key, "")).strip() in codes for f in features)
    if configured:
        return configured if matches(configured) else None
    keys = list(KEY_CANDIDATES) + sorted({k for f in features for k in (f.get("properties") or {})})
    best = max(keys, key=lambda k: (matches(k), -keys.index(k)))
    return best if matches(best) else None


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int, codes: tuple[str, ...], names: tuple[str, ...], key: str | None) -> Boundaries:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise ValueError("ce n'est pas une FeatureCollection GeoJSON")
        features = [f for f in data.get("features") or [] if isinstance(f, dict) and f.get("geometry")]
        code_set = set(codes)
        nis_key = _nis_key(features, code_set, key)
        if nis_key is None:
            return Boundaries(warning=MESSAGES["no_match"].format(path=path), path=path)
        kept = {}
        for f in features:
            nis = str(f["properties"].get(nis_key, "")).strip()
            if nis in code_set and nis not in kept:
                kept[nis] = {"type": "Feature", "id": nis, "properties": {"nis": nis},
                             "geometry": _rewound(f["geometry"])}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return Boundaries(warning=MESSAGES["invalid"].format(path=path, reason=exc), path=path)
    missing = tuple(n for c, n in zip(codes, names) if c not in kept)
    warning = MESSAGES["partial"].format(count=len(missing), names=", ".join(missing)) if missing else None
    return Boundaries({"type": "FeatureCollection", "features": [kept[c] for c in codes if c in kept]},
                      warning, path, missing)


def load_boundaries(communes: pl.DataFrame, path: str | os.PathLike | None = None) -> Boundaries:
    """The boundaries named by `path` or $PSYNAM_BOUNDARIES, else the shipped ones (DEFAULT_BOUNDARIES)."""
    path = path or os.environ.get(BOUNDARIES_ENV) or DEFAULT_BOUNDARIES
    file = Path(path)
    if not file.is_file():
        return Boundaries(warning=MESSAGES["missing"].format(path=path), path=str(path))
    ref = communes.sort("nis")
    return _load(str(file), file.stat().st_mtime_ns, tuple(ref["nis"]), tuple(ref["name_fr"]),
                 os.environ.get(BOUNDARIES_KEY_ENV) or None)


def group_outlines(geojson: dict, group_of: dict[str, str]) -> tuple[list, list]:
    """The outline of each group of communes (arrondissements), as lon and lat lists with None between
    lines: an edge shared by two communes of the same group is inside it and dropped; the others are
    chained into lines. Exact for boundaries that share their vertices (as Statbel-derived files do)."""
    edges: dict[str, dict[tuple, int]] = {}
    for feature in geojson["features"]:
        group = group_of.get(feature["id"])
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        count = edges.setdefault(group, {})
        for polygon in polygons:
            for ring in polygon:
                for a, b in zip(ring, ring[1:]):
                    key = tuple(sorted((tuple(a[:2]), tuple(b[:2]))))
                    count[key] = count.get(key, 0) + 1
    lons, lats = [], []
    for group in sorted(edges, key=str):
        outer = [e for e, k in edges[group].items() if k == 1]
        neighbours: dict[tuple, list[tuple]] = {}
        for a, b in outer:
            neighbours.setdefault(a, []).append(b)
            neighbours.setdefault(b, []).append(a)
        seen: set[tuple] = set()
        for a, b in sorted(outer):
            if (a, b) in seen:
                continue
            line, prev, cur = [a], a, b
            seen.add((a, b))
            while True:
                line.append(cur)
                nxt = next((n for n in neighbours[cur] if tuple(sorted((cur, n))) not in seen), None)
                if nxt is None:
                    break
                seen.add(tuple(sorted((cur, nxt))))
                prev, cur = cur, nxt
            lons += [p[0] for p in line] + [None]
            lats += [p[1] for p in line] + [None]
    return lons, lats


def selected_nis(communes: pl.DataFrame, arrondissements, chosen) -> set[str] | None:
    """The communes inside the shared geography filter, or None when it selects everything."""
    if not arrondissements and not chosen:
        return None
    keep = communes
    if arrondissements:
        keep = keep.filter(pl.col("arrondissement").is_in(list(arrondissements)))
    if chosen:
        keep = keep.filter(pl.col("nis").is_in(list(chosen)))
    return set(keep["nis"])


# ---- the shipped boundaries: a simplified copy of Statbel's ------------------------------------------

def _douglas_peucker(points: list[tuple], tolerance: float) -> list[tuple]:
    if len(points) < 3:
        return list(points)
    (x0, y0), (x1, y1) = points[0][:2], points[-1][:2]
    dx, dy = x1 - x0, y1 - y0
    norm = math.hypot(dx, dy)
    def distance(p):
        if norm == 0:
            return math.hypot(p[0] - x0, p[1] - y0)
        return abs(dy * (p[0] - x0) - dx * (p[1] - y0)) / norm
    far, k = max((distance(p), i) for i, p in enumerate(points[1:-1], 1))
    if far <= tolerance:
        return [points[0], points[-1]]
    return _douglas_peucker(points[:k + 1], tolerance)[:-1] + _douglas_peucker(points[k:], tolerance)


def simplify(geojson: dict, tolerance: float = 0.0007) -> dict:
    """The features with fewer vertices (Douglas–Peucker) and the same topology: a vertex where the set of
    communes sharing it changes is kept, and each stretch between two kept vertices is simplified once, the
    same way for both communes it separates, so neighbours still share their vertices (group_outlines)."""
    def rings_of(geometry):
        return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    owners: dict[tuple, set] = {}
    for f in geojson["features"]:
        for polygon in rings_of(f["geometry"]):
            for ring in polygon:
                for v in ring:
                    owners.setdefault(tuple(v[:2]), set()).add(f["properties"]["nis"])
    done: dict[tuple, list] = {}

    def stretch(chain: list[tuple]) -> list[tuple]:
        key = tuple(chain) if chain[0] <= chain[-1] else tuple(reversed(chain))
        if key not in done:
            done[key] = _douglas_peucker(list(key), tolerance)
        out = done[key]
        return out if key[0] == chain[0] and tuple(chain) == key else list(reversed(out))

    def ring_out(ring: list) -> list:
        pts = [tuple(v[:2]) for v in ring[:-1]]
        n = len(pts)
        fixed = [i for i in range(n) if len(owners[pts[i]]) > 2 or owners[pts[i]] != owners[pts[i - 1]]
                 or owners[pts[i]] != owners[pts[(i + 1) % n]]]
        if len(fixed) < 2:
            far = max(range(n), key=lambda i: math.hypot(pts[i][0] - pts[0][0], pts[i][1] - pts[0][1]))
            fixed = sorted({0, far})
        out = []
        for a, b in zip(fixed, fixed[1:] + [fixed[0] + n]):
            chain = [pts[i % n] for i in range(a, b + 1)]
            out += stretch(chain)[:-1]
        out.append(out[0])
        return [list(p) for p in out] if len(out) >= 4 else ring

    features = []
    for f in geojson["features"]:
        polygons = [[ring_out(r) for r in polygon] for polygon in rings_of(f["geometry"])]
        geometry = ({"type": "Polygon", "coordinates": polygons[0]} if f["geometry"]["type"] == "Polygon"
                    else {"type": "MultiPolygon", "coordinates": polygons})
        features.append({"type": "Feature", "properties": dict(f["properties"]), "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":  # python -m psynam.geo SOURCE TARGET: write the simplified copy data/reference ships
    import sys
    source, target = sys.argv[1:3]
    simple = simplify(json.loads(Path(source).read_text(encoding="utf-8")))
    Path(target).write_text(json.dumps(simple, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
