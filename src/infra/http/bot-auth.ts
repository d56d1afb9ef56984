import {
  BotFrameworkAuthentication, JwtTokenValidation,
  type AuthenticateRequestResult, type BotFrameworkClient, type ClaimsIdentity, type ConnectorClient, type ConnectorFactory, type UserTokenClient,
} from "botframework-connector";
import type { Activity } from "botbuilder";

/** How many connector / token clients are kept (one per app id, service URL and audience in practice). */
const MAX_CLIENTS = 100;

/**
 * The Bot Framework authentication the adapter is given, with its connector and user-token clients
 * reused across turns. botbuilder's CloudAdapter otherwise builds a new ConnectorClient (an HTTP
 * pipeline) and a new UserTokenClient on every activity, which was a tenth of the bot's CPU per card
 * action. The clients hold no per-turn state: a client is keyed by everything its construction depends
 * on (the bot's app id from the validated claims, the service URL and the audience); credentials and
 * their token cache stay inside them. Authentication itself is not cached: every request is validated.
 */
export class ReusingBotFrameworkAuthentication extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    if (result.connectorFactory) result.connectorFactory = this.reusing(result.connectorFactory, result.claimsIdentity);
    return result;
  }

  override authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(this.inner.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return remember(this.tokenClients, appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  private reusing(factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    return {
      create: (serviceUrl: string, audience?: string) =>
        remember(this.connectors, `${appId}\n${serviceUrl}\n${audience ?? ""}`, () => factory.create(serviceUrl, audience)),
    } as ConnectorFactory;
  }
}

const appIdOf = (c: ClaimsIdentity) => (c?.claims ? JwtTokenValidation.getAppIdFromClaims(c.claims) ?? "" : "");

/** The cached client for key, or a new one (a failed creation is not kept). */
function remember<T>(cache: Map<string, Promise<T>>, key: string, create: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit) return hit;
  if (cache.size >= MAX_CLIENTS) cache.clear();
  const made = create();
  cache.set(key, made);
  made.catch(() => cache.delete(key));
  return made;
}
