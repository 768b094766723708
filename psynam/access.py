"""Who sees what: the role of the person behind a Streamlit session, decided on the server, and the checks
that write actions and downloads make where they run.

Roles: `coordinateur` (exact figures, import, undo, restore, history, audit log), `representant` (every
figure through the privacy rule, downloads), `comite` (the public view and the presentation mode; no
download, no write). The role comes from the OpenID Connect login (`st.login`, configured under `[auth]`
in .streamlit/secrets.toml) mapped by e-mail or group claim (`[roles]` in the same file), never from a
widget, a link or the session state. Without a login configured the app is a laptop tool: it answers
as coordinator only on a loopback address, and shows nothing but a French message anywhere else.
Code that runs outside a Streamlit session (the command line, tests) acts as the server's own account,
a coordinator.
"""

from __future__ import annotations

import contextlib
import contextvars
import getpass
import ipaddress
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from psynam.labels.roles import ROLES as ROLE_LABELS, TEXT

COORDINATEUR, REPRESENTANT, COMITE = "coordinateur", "representant", "comite"
ROLES = (COORDINATEUR, REPRESENTANT, COMITE)  # most privileged first: a user matched twice gets the first

# What each action needs. Write actions are checked where they run (psynam.ingest, psynam.store), the
# rest where the button or page is drawn and again when the file is made (psynam.audit.tracked).
ALLOWED = {
    "import": {COORDINATEUR},
    "undo": {COORDINATEUR},
    "restore": {COORDINATEUR},
    "history": {COORDINATEUR},
    "audit": {COORDINATEUR},
    "exact_figures": {COORDINATEUR},
    "download": {COORDINATEUR, REPRESENTANT},
    "view": set(ROLES),
}

# Via: how the person reached the app (written in the audit log).
VIA_LOGIN, VIA_LOCAL, VIA_SERVER = "connexion", "poste local", "ligne de commande"
# Why a session has no role (the gate in app.py shows the matching French text).
NOT_LOGGED_IN, NO_ROLE, EXPIRED, REMOTE_WITHOUT_LOGIN, MISCONFIGURED = (
    "not_logged_in", "no_role", "expired", "remote_without_login", "misconfigured")
DEFAULT_MAX_LOGIN_HOURS = 12.0
PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host")


class AccessDenied(PermissionError):
    """A refused action; str() is the French message shown to the user."""


@dataclass(frozen=True)
class Access:
    role: str | None
    email: str | None = None
    name: str | None = None
    via: str = VIA_SERVER
    reason: str | None = None        # why role is None
    issued_at: int | None = None     # the ID token's `iat` (a login's identity in the audit log)

    def allows(self, action: str) -> bool:
        return self.role in ALLOWED[action]

    @property
    def exact_figures(self) -> bool:
        return self.allows("exact_figures")

    @property
    def can_write(self) -> bool:
        return self.allows("import")

    @property
    def can_download(self) -> bool:
        return self.allows("download")

    @property
    def can_see_audit(self) -> bool:
        return self.allows("audit")

    @property
    def who(self) -> str:
        """Who, as the audit log and the import history write it."""
        return self.email or self.name or ""

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role or "", TEXT["no_role_label"])


# ---- settings: [auth] (Streamlit's) and [roles] (ours) in .streamlit/secrets.toml -------------------

@dataclass(frozen=True)
class Settings:
    login: bool                      # an OpenID Connect provider is configured
    providers: tuple[str, ...]       # names for st.login(); "default" for the unnamed [auth] provider
    emails: Mapping[str, str]        # lower-case address or "@domain" -> role
    groups: Mapping[str, str]        # group name or id -> role
    group_claim: str
    max_login_hours: float
    problems: tuple[str, ...]        # configuration errors, in French: the app serves nothing while any


def _is_provider(section) -> bool:
    return isinstance(section, Mapping) and "client_id" in section


def settings_from(secrets: Mapping) -> Settings:
    """Read the login and role mapping from a secrets mapping (st.secrets, or a parsed secrets.toml)."""
    problems: list[str] = []
    auth = secrets.get("auth") or {}
    providers = (["default"] if _is_provider(auth) else []) + sorted(
        k for k, v in auth.items() if _is_provider(v))
    login = bool(auth)
    if login:
        for key in ("redirect_uri", "cookie_secret"):
            if not auth.get(key):
                problems.append(TEXT["problem_auth_key"].format(key=key))
        if not providers:
            problems.append(TEXT["problem_no_provider"])
        for name in providers:
            section = auth if name == "default" else auth[name]
            missing = [k for k in ("client_id", "client_secret", "server_metadata_url") if not section.get(k)]
            if missing:
                problems.append(TEXT["problem_provider_keys"].format(provider=name, keys=", ".join(missing)))
            if "_" in name:
                problems.append(TEXT["problem_provider_name"].format(provider=name))
        if len(str(auth.get("cookie_secret", ""))) < 32:
            problems.append(TEXT["problem_cookie_secret"])
    roles = secrets.get("roles") or {}
    emails: dict[str, str] = {}
    groups: dict[str, str] = {}
    for role in ROLES[::-1]:  # the most privileged role is written last: it wins
        section = roles.get(role) or {}
        for address in section.get("emails", []) or []:
            emails[str(address).strip().lower()] = role
        for group in section.get("groups", []) or []:
            groups[str(group).strip()] = role
    unknown = [k for k, v in roles.items() if isinstance(v, Mapping) and k not in ROLES]
    if unknown:
        problems.append(TEXT["problem_unknown_role"].format(roles=", ".join(sorted(unknown)), known=", ".join(ROLES)))
    try:
        max_hours = float(roles.get("max_login_hours", DEFAULT_MAX_LOGIN_HOURS))
    except (TypeError, ValueError):
        problems.append(TEXT["problem_max_hours"])
        max_hours = DEFAULT_MAX_LOGIN_HOURS
    return Settings(login=login, providers=tuple(providers), emails=emails, groups=groups,
                    group_claim=str(roles.get("group_claim", "groups")), max_login_hours=max_hours,
                    problems=tuple(problems))


def role_for(settings: Settings, claims: Mapping) -> str | None:
    """The role of a logged-in user from the ID token's claims: by verified e-mail (exact address, then
    "@domain"), or by group (the `group_claim` claim, a list or one string); the most privileged wins."""
    found: set[str] = set()
    email = str(claims.get("email") or "").strip().lower()
    if email and claims.get("email_verified", True) is not False:  # an address the provider says is unverified
        if email in settings.emails:                                  # grants nothing
            found.add(settings.emails[email])
        domain = "@" + email.rpartition("@")[2]
        if "@" in email and domain in settings.emails:
            found.add(settings.emails[domain])
    claimed = claims.get(settings.group_claim) or []
    for group in [claimed] if isinstance(claimed, str) else list(claimed):
        if str(group) in settings.groups:
            found.add(settings.groups[str(group)])
    return next((r for r in ROLES if r in found), None)


# ---- the current session -----------------------------------------------------------------------

_SYSTEM: contextvars.ContextVar[bool] = contextvars.ContextVar("psynam_access_system", default=False)


@contextlib.contextmanager
def system():
    """The server acting for itself inside a session (building or upgrading the database on first start):
    the checks see the server's own account, whoever's session triggered it."""
    token = _SYSTEM.set(True)
    try:
        yield
    finally:
        _SYSTEM.reset(token)


def server_account() -> Access:
    """The account the server or the command line runs under: $PSYNAM_USER, else the login name."""
    try:
        name = os.environ.get("PSYNAM_USER") or getpass.getuser()
    except (KeyError, OSError):
        name = ""
    return Access(COORDINATEUR, name=name or None, via=VIA_SERVER)


def _in_session() -> bool:
    if "streamlit" not in sys.modules:  # nothing imported Streamlit: no session (and a command line saves 1 s)
        return False
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:  # pragma: no cover - streamlit is a requirement
        return False
    return get_script_run_ctx(suppress_warning=True) is not None


def _in_server_process() -> bool:
    """Whether this process serves the app to browsers (a Streamlit runtime that is not AppTest's mock)."""
    if "streamlit" not in sys.modules:
        return False
    from unittest import mock

    from streamlit import runtime
    return runtime.exists() and not isinstance(runtime.get_instance(), mock.Mock)


def current() -> Access:
    """The access of whoever runs this code: the logged-in user of this Streamlit session, the laptop's
    coordinator (no login configured, loopback only), or the server's own account outside a session."""
    if _SYSTEM.get():
        return server_account()
    if not _in_session():
        # A thread of the Streamlit server without a session is nobody; the command line is the server.
        return Access(None, reason=MISCONFIGURED) if _in_server_process() else server_account()
    import streamlit as st

    settings = settings_from(st.secrets.to_dict() if _has_secrets() else {})
    if settings.problems or _trusted_headers_configured():
        return Access(None, reason=MISCONFIGURED)
    if not settings.login:
        if is_local_request():
            return Access(COORDINATEUR, name=server_account().name, via=VIA_LOCAL)
        return Access(None, reason=REMOTE_WITHOUT_LOGIN)
    user = st.user.to_dict()
    if not user.get("is_logged_in"):
        return Access(None, reason=NOT_LOGGED_IN)
    email = str(user.get("email") or "").strip().lower() or None
    name = str(user.get("name") or "") or None
    issued = user.get("iat")
    if not isinstance(issued, (int, float)) or time.time() - issued > settings.max_login_hours * 3600:
        return Access(None, email=email, name=name, via=VIA_LOGIN, reason=EXPIRED)
    role = role_for(settings, user)
    return Access(role, email=email, name=name, via=VIA_LOGIN, reason=None if role else NO_ROLE,
                  issued_at=int(issued))


def _has_secrets() -> bool:
    import streamlit as st
    try:
        return bool(st.secrets.load_if_toml_exists())
    except Exception:  # a secrets.toml that does not parse
        return False


def _trusted_headers_configured() -> bool:
    """`server.trustedUserHeaders` lets request headers override st.user: identity would then come from
    whoever sets them, so the app refuses to run with it."""
    from streamlit import config
    return bool(config.get_option("server.trustedUserHeaders"))


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip().strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_of(value: str) -> str | None:
    try:
        return urlparse(value if "//" in value else f"//{value}").hostname
    except ValueError:
        return None


def is_local_request() -> bool:
    """Whether this session reaches the app from the machine itself, not through the network or a proxy:
    the server listens on loopback only, the peer is loopback, no proxy header names another address,
    and the browser's Host and Origin are loopback names. Without a running server (AppTest) it is."""
    if not _in_server_process():
        return True
    import streamlit as st
    from streamlit import config

    if not is_loopback(config.get_option("server.address")):
        return False
    if st.context.ip_address is not None:  # None means a loopback peer
        return False
    headers = st.context.headers
    for name in PROXY_HEADERS:
        for value in headers.get_all(name):
            for part in value.replace(";", ",").split(","):
                part = part.strip()
                if part.lower().startswith(("for=", "host=")):
                    part = part.split("=", 1)[1].strip('"')
                elif "=" in part:
                    continue
                if part and not is_loopback(_host_of(part) or part):
                    return False
    for name in ("Host", "Origin"):
        value = headers.get(name)
        if value and not is_loopback(_host_of(value)):
            return False
    return True


def require(action: str) -> Access:
    """Raise AccessDenied (French message) unless whoever runs this may do `action`; return their access."""
    who = current()
    if not who.allows(action):
        raise AccessDenied(TEXT["denied"].format(action=TEXT["actions"][action], role=who.role_label))
    return who


def denied_text(action: str) -> str:
    """The French refusal for `action` and the current role."""
    return TEXT["denied"].format(action=TEXT["actions"][action], role=current().role_label)
