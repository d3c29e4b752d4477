// A real OpenID Connect provider (the certified `oidc-provider` package) for Styrbord's
// tests, on 127.0.0.1 only. Configured from the environment:
//   OIDC_PORT            port to listen on (required)
//   OIDC_ISSUER          issuer (default http://127.0.0.1:<port>)
//   OIDC_CLIENTS         JSON list of {client_id, client_secret, redirect_uris,
//                        post_logout_redirect_uris}
//   OIDC_ACCOUNTS        JSON object: login -> {email, name, groups}; the login is the `sub`
//   OIDC_JWKS            JSON {keys: [private JWK]} to sign with (default: generated)
//   OIDC_ID_TOKEN_TTL    ID token lifetime in seconds (default 600)
// The development login and consent pages (devInteractions) accept any password for a
// listed login. Never run this anywhere but in a test.
import Provider from 'oidc-provider';

const env = process.env;
const port = Number(env.OIDC_PORT);
if (!port) {
  console.error('OIDC_PORT is required');
  process.exit(2);
}
const issuer = env.OIDC_ISSUER || `http://127.0.0.1:${port}`;
const accounts = JSON.parse(env.OIDC_ACCOUNTS || '{}');
const clients = JSON.parse(env.OIDC_CLIENTS || '[]').map((client) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...client,
}));

const configuration = {
  clients,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  // Put the scopes' claims in the ID token, as Entra ID does with its group claims.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['styrbord-test-provider-cookie-key'] },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    Grant: 3600,
    IdToken: Number(env.OIDC_ID_TOKEN_TTL || 600),
    Interaction: 600,
    Session: 3600,
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    const account = Object.hasOwn(accounts, id) ? accounts[id] : undefined;
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: account.email,
          email_verified: true,
          name: account.name,
          groups: account.groups || [],
        };
      },
    };
  },
};
if (env.OIDC_JWKS) configuration.jwks = JSON.parse(env.OIDC_JWKS);

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, error) => console.error('server_error', error));
const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider ${issuer} listening on 127.0.0.1:${port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
