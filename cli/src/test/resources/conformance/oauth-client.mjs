// An MCP client with OAuth for the conformance suite's auth scenarios: the TypeScript SDK's
// Streamable HTTP client and its authorization-code flow (discovery, registration, PKCE).
// The suite appends its server's URL (or the proxy's, when the proxy is between); the suite's authorization server redirects at once,
// so "the user" is a fetch that reads the code from the redirect. Exit code 1 on failure.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';

const serverUrl = new URL(process.argv[process.argv.length - 1]);
const redirectUrl = 'http://localhost:3000/callback';
const saved = {};
let code;

const provider = {
  get redirectUrl() {
    return redirectUrl;
  },
  get clientMetadata() {
    return {
      client_name: 'aegis-conformance-oauth-client',
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  },
  clientInformation: () => saved.client,
  saveClientInformation: (info) => {
    saved.client = info;
  },
  tokens: () => saved.tokens,
  saveTokens: (tokens) => {
    saved.tokens = tokens;
  },
  saveCodeVerifier: (verifier) => {
    saved.verifier = verifier;
  },
  codeVerifier: () => saved.verifier,
  // The resource indicator is the one the protected resource metadata names, as for a client
  // configured for a gateway: the metadata (the upstream's) names the upstream, not the proxy.
  validateResourceURL: async (url, resource) => (resource ? new URL(resource) : undefined),
  async redirectToAuthorization(authorizationUrl) {
    const answer = await fetch(authorizationUrl, { redirect: 'manual' });
    const location = answer.headers.get('location');
    if (!location) {
      throw new Error(`the authorization endpoint did not redirect (HTTP ${answer.status})`);
    }
    code = new URL(location).searchParams.get('code');
  },
};

async function connected() {
  for (let attempt = 0; attempt < 3; attempt++) {
    const client = new Client({ name: 'aegis-conformance-oauth-client', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(serverUrl, { authProvider: provider });
    try {
      await client.connect(transport);
      return client;
    } catch (e) {
      if (!(e instanceof UnauthorizedError) || !code) {
        throw e;
      }
      await transport.finishAuth(code);
      code = undefined;
    }
  }
  throw new Error('still unauthorized after three authorizations');
}

try {
  const client = await connected();
  const { tools } = await client.listTools();
  for (const tool of tools) {
    await client.callTool({ name: tool.name, arguments: {} });
  }
  await client.close();
} catch (e) {
  console.error(`oauth-client: ${e?.stack ?? e}`);
  process.exit(1);
}
