// A real OpenID Connect provider (the OpenID-certified npm package oidc-provider) for the login tests,
// listening on loopback only. Its login form is the package's development one (any password); the
// protocol around it is the real one: discovery, authorization code with PKCE, signed ID token,
// RP-initiated logout. Configured by environment variables set by tests/e2e/auth.py:
//   OIDC_PORT            port on 127.0.0.1
//   OIDC_CLIENT_SECRET   secret of the one client, "psynam"
//   OIDC_REDIRECT_URIS   JSON list of the app's /oauth2callback addresses
//   OIDC_ACCOUNTS        JSON {login: {email, name, groups}}: who can sign in
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const redirects = JSON.parse(process.env.OIDC_REDIRECT_URIS);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'psynam',
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: redirects,
    post_logout_redirect_uris: redirects,
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  // Streamlit reads the ID token's claims (Authlib's "userinfo"), as Entra ID sends them: put them there.
  conformIdTokenClaims: false,
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, email_verified: true, ...account }; } };
  },
  cookies: { keys: ['psynam-tests-only'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  ttl: { Session: 3600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600 },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ready on http://127.0.0.1:${port}`);
});
