"""What a coordinator is told when the machine fails rather than the export: a full disk, exhausted
temporary space, a read-only folder, a file that is not a database, a missing file — one short French
sentence saying what happened and what to do, and an exit code, never a traceback.

The writes of the store (psynam/store.py) are copy-and-swap, so whichever of these stops an import, an
undo or a restore, the live database is as it was; the messages say so only where it is true. Used by the
command line (psynam.__main__), the import page (psynam.ingest.present) and the app's read-only connection
(psynam.ui.prepare_database).

    failure = explain(error)        # None: not a failure a user can do anything about (a bug)
    print(failure.message); sys.exit(failure.exit_code)
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Exit codes of `python -m psynam` (docs/importing.md): 0 done, 1 refused (rows rejected, an undo or a
# restore refused), 2 an input unreadable or missing, 3 the machine failed (disk, temporary space, rights,
# a database file that cannot be read), 4 unexpected (a bug: the message says how to see the detail).
REFUSED, INPUT, ENVIRONMENT, UNEXPECTED = 1, 2, 3, 4
UNCHANGED = "La base n'a pas été modifiée."


@dataclass(frozen=True)
class Failure:
    kind: str          # disk_full, temp_full, read_only, not_a_database, locked, missing, memory, stale, expired…
    message: str       # French, one or two sentences: what happened, what to do
    exit_code: int


_QUOTED_PATH = re.compile(r'"(/[^"]+)"|\'(/[^\']+)\'')


def _path_in(error: BaseException) -> Path | None:
    """The file an error is about: an OSError's filename, else the first quoted path of its message."""
    name = getattr(error, "filename", None)
    if name:
        return Path(os.fsdecode(name))
    found = _QUOTED_PATH.search(str(error))
    return Path(found.group(1) or found.group(2)) if found else None


_STORE_FOLDERS = (".work", ".files", ".backups", ".uploads")


def _folder(path: Path | None, db: Path | None) -> str:
    """The folder to name: where the failing file was (a store folder counts as the database's own)."""
    if path is None:
        return str(db.parent) if db is not None else "le dossier de la base"
    folder = path if path.is_dir() else path.parent
    while folder.name.endswith(_STORE_FOLDERS) or (folder.parent.name.endswith(_STORE_FOLDERS)):
        folder = folder.parent
    return str(folder)


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} Mo".replace(",", " ")


def _in_temp(path: Path | None) -> bool:
    if path is None:
        return False
    temp = Path(tempfile.gettempdir()).resolve()
    try:
        return path.resolve().is_relative_to(temp) and "psynam-import-" in str(path)
    except OSError:
        return False


def explain(error: BaseException, db: Path | str | None = None) -> Failure | None:
    """The Failure a user meets in `error` (raised while working on the database `db`), or None."""
    from psynam import store
    from psynam.ingest.undo import UndoRefused

    db = Path(db) if db is not None else None
    text = str(error)
    path = _path_in(error)
    if type(error).__name__ == "AccessDenied":   # psynam.access (roles): its str() is the French message
        return Failure("denied", f"{error} {UNCHANGED}", REFUSED)
    if isinstance(error, store.DiskFull):
        return Failure("disk_full", f"Espace disque insuffisant dans {error.folder} : il faut environ "
                       f"{_megabytes(error.needed)} libres, il en reste {_megabytes(error.free)}. Libérez de la "
                       f"place (les anciennes copies de sauvegarde sont dans {store.backup_dir(db) if db else '….backups'}) "
                       f"puis recommencez. {UNCHANGED}", ENVIRONMENT)
    if isinstance(error, store.NotADatabase):
        return Failure("not_a_database", f"Restauration refusée : {error}. {UNCHANGED}", REFUSED)
    if isinstance(error, store.StaleBase):
        return Failure("stale", "La base a changé entre la simulation et la confirmation (un autre import ?) : "
                       f"relancez la simulation. {UNCHANGED}", REFUSED)
    if isinstance(error, store.Expired):
        return Failure("expired", "Cette simulation a expiré (elle n'est gardée que "
                       f"{store.dry_run_seconds() / 60:.0f} minutes sans activité) : relancez-la. {UNCHANGED}", REFUSED)
    if isinstance(error, UndoRefused):
        return Failure("refused", f"Annulation impossible : {error}. {UNCHANGED}", REFUSED)
    if isinstance(error, FileExistsError):
        return Failure("exists", f"{path or error} existe déjà : choisissez un autre nom. {UNCHANGED}", REFUSED)
    if isinstance(error, KeyboardInterrupt):
        return Failure("interrupted", f"Interrompu. {UNCHANGED}", 130)
    if isinstance(error, MemoryError) or (isinstance(error, duckdb.OutOfMemoryException)
                                           and "max_temp_directory_size" not in text):
        return Failure("memory", "Mémoire insuffisante pour cette opération : fermez d'autres programmes ou "
                       f"importez les fichiers en plusieurs fois. {UNCHANGED}", ENVIRONMENT)
    code = getattr(error, "errno", None)
    low = text.lower()
    temp = _in_temp(path) or "max_temp_directory_size" in text
    if temp and (code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "no space left" in low
                 or "file too large" in low or "max_temp_directory_size" in text):
        return Failure("temp_full", "Espace temporaire épuisé : l'opération a dépassé sa mémoire et n'a pas pu "
                       f"écrire ses fichiers temporaires dans {tempfile.gettempdir()}. Libérez-y de la place ou "
                       f"indiquez un dossier plus grand (variable TMPDIR), puis recommencez. {UNCHANGED}", ENVIRONMENT)
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "no space left on device" in low \
            or "file too large" in low or "disk quota exceeded" in low:
        return Failure("disk_full", f"Disque plein dans {_folder(path, db)} : libérez de la place (les anciennes "
                       f"copies de sauvegarde sont dans le dossier ….backups à côté de la base) puis recommencez. "
                       f"{UNCHANGED}", ENVIRONMENT)
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "read-only file system" in low \
            or "permission denied" in low:
        return Failure("read_only", f"Écriture impossible dans {_folder(path, db)} (dossier en lecture seule ou "
                       "sans droit d'écriture) : la base et ses copies s'écrivent dans ce dossier. Donnez-y le "
                       f"droit d'écriture, ou placez la base ailleurs (variable PSYNAM_DB). {UNCHANGED}", ENVIRONMENT)
    if isinstance(error, duckdb.SerializationException) or isinstance(error, duckdb.Error) and any(
            words in low for words in ("not a valid duckdb database", "invalid input error: the file",
                                       "database file with version number", "could not read enough bytes",
                                       "corrupt", "checksum")):
        if db is not None and (path is None or path.parent.name.endswith(".work")):
            path = db                      # the copy being written was taken from the live file: name that one
        return Failure("not_a_database", f"Le fichier {path} n'est pas une base DuckDB lisible (abîmé, ou "
                       "écrit par un autre programme ou une autre version). Restaurez une copie de sauvegarde : "
                       "python -m psynam restore <fichier du dossier ….backups>.", ENVIRONMENT)
    if isinstance(error, duckdb.CatalogException) and "does not exist" in low:
        return Failure("not_a_database", f"La base {db or path or ''} n'est pas une base PSYNAM (il y manque des "
                       "tables). Restaurez une copie de sauvegarde, ou reconstruisez-la : python -m psynam build "
                       "--force.", ENVIRONMENT)
    if isinstance(error, duckdb.Error) and "could not set lock" in low:
        return Failure("locked", f"La base {path or db} est ouverte en écriture par un autre programme : fermez-le "
                       f"puis recommencez. {UNCHANGED}", ENVIRONMENT)
    if isinstance(error, (FileNotFoundError, NotADirectoryError)) or code == errno.ENOENT:
        return Failure("missing", f"Fichier introuvable : {path or error}. Vérifiez le chemin. {UNCHANGED}", INPUT)
    return None


def unexpected(error: BaseException) -> Failure:
    """What to say of an error nobody foresaw (a bug): its kind, and how to see the detail."""
    return Failure("unexpected", f"Erreur inattendue ({type(error).__name__}). {UNCHANGED} Relancez avec "
                   "PSYNAM_DEBUG=1 pour le détail technique, et signalez-la avec la commande utilisée.", UNEXPECTED)
