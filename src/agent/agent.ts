/**
 * `Agent`: the connector as a service beside a document system that is not written in Node.
 * It owns one store and one `Connector`, and hands documents over through folders, a webhook
 * and a local HTTP API. Everything it does goes through the connector's public methods and
 * events: its outbox, lifecycle and tracking are the connector's.
 * @module
 */
import { join } from 'node:path';
import { Connector } from '../connector/connector.js';
import type { ConnectorOptions } from '../connector/options.js';
import { FileStore } from '../store/file-store.js';
import { PostgresStore } from '../store/postgres-store.js';
import { isReceivedDocument } from '../store/store-rules.js';
import type { Store } from '../store/store.js';
import { AxisClient } from '../transport/axis-client.js';
import { loadSigning, loadVerification } from './agent-crypto.js';
import { wireAgentEvents } from './agent-events.js';
import { loadAgentConfig, secretsOf, type ResolvedAgentConfig } from './config.js';
import { prepareFolders } from './durable-fs.js';
import { AgentHttpApi } from './http-api.js';
import { InboxWriter } from './inbox-writer.js';
import { createAgentLogger, type AgentLogger } from './logger.js';
import { formatAgentMetrics, type AgentMetrics } from './metrics.js';
import { OutboxWatcher } from './outbox-watcher.js';
import { StateLock } from './state-lock.js';
import { WebhookQueue, type AgentEventInput } from './webhook.js';

/** Options of {@link Agent.start}. */
export interface StartAgentOptions {
  /** @defaultValue a JSON-lines logger on `logStream` at `config.log.level`, redacting the config's secrets */
  readonly logger?: AgentLogger;
  /** @defaultValue process.stdout */
  readonly logStream?: NodeJS.WritableStream;
  /** Source of `signing.passphraseEnv`. @defaultValue process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** The agent's folders inside `stateDir`. */
function stateFolders(config: ResolvedAgentConfig) {
  const root = join(config.stateDir, 'agent');
  return { root, processing: join(root, 'processing'), tmp: join(root, 'tmp'), webhook: join(root, 'webhook') };
}

/**
 * Opens the configured store.
 * @throws {StoreError} VDXP_STORE_LOCKED when another process holds a file store, VDXP_STORE_IO
 * @throws {ConfigError} VDXP_CONFIG_INVALID when the store is postgres and `pg` is not installed
 */
async function openStore(config: ResolvedAgentConfig): Promise<Store> {
  if (config.store.type === 'file') return FileStore.open({ dir: config.store.path, fsync: config.store.fsync });
  const { url, schema, maxConnections } = config.store;
  return PostgresStore.open({ url, ...(schema ? { schema } : {}), ...(maxConnections ? { maxConnections } : {}), applicationName: 'vdxp-agent' });
}

/**
 * A running agent.
 * @example
 * ```ts
 * const agent = await Agent.start(await loadAgentConfig('/etc/vdxp/agent.json'));
 * process.once('SIGTERM', () => void agent.stop());
 * ```
 */
export class Agent {
  readonly #config: ResolvedAgentConfig;
  readonly #store: Store;
  readonly #lock: StateLock;
  readonly #connector: Connector;
  readonly #watcher: OutboxWatcher;
  readonly #webhook: WebhookQueue | undefined;
  readonly #logger: AgentLogger;
  readonly #started = Date.now();
  #api: AgentHttpApi | undefined;
  #stopped: Promise<void> | undefined;

  private constructor(parts: { config: ResolvedAgentConfig; store: Store; lock: StateLock; connector: Connector; watcher: OutboxWatcher; webhook: WebhookQueue | undefined; logger: AgentLogger }) {
    this.#config = parts.config;
    this.#store = parts.store;
    this.#lock = parts.lock;
    this.#connector = parts.connector;
    this.#watcher = parts.watcher;
    this.#webhook = parts.webhook;
    this.#logger = parts.logger;
  }

  /**
   * Starts an agent: checks the folders, opens the store, starts the connector, the folder
   * watcher, the webhook delivery and the HTTP API. Drops and events an earlier run left
   * unfinished are taken up again.
   * @throws {ConfigError} VDXP_CONFIG_INVALID (a folder on another file system, a bad signing setting)
   * @throws {StoreError} VDXP_STORE_LOCKED when another agent holds the store or the state folder
   * @throws {IoError} VDXP_IO for an unreadable key, certificate or folder
   */
  static async start(config: ResolvedAgentConfig, options: StartAgentOptions = {}): Promise<Agent> {
    const env = options.env ?? process.env;
    const logger = options.logger ?? createAgentLogger({ level: config.log.level, stream: options.logStream ?? process.stdout, secrets: secretsOf(config, env) });
    const state = stateFolders(config);
    await prepareFolders(
      { 'folders.outbox': config.folders.outbox, 'folders.sent': config.folders.sent, 'folders.failed': config.folders.failed, 'folders.inbox': config.folders.inbox, stateDir: state.root, [`stateDir (processing)`]: state.processing, [`stateDir (tmp)`]: state.tmp, [`stateDir (webhook)`]: state.webhook },
      'agent.json',
    );
    const signing = config.signing ? await loadSigning(config.signing, env) : undefined;
    const verification = config.verification ? await loadVerification(config.verification) : undefined;
    const lock = await StateLock.acquire(state.root);
    let store: Store;
    try {
      store = await openStore(config);
    } catch (e) {
      await lock.release();
      throw e;
    }
    try {
      const options: ConnectorOptions = {
        axis: { endpoint: config.axis.endpoint, systemId: config.axis.systemId, secret: config.axis.secret, ...(config.axis.timeoutMs ? { timeoutMs: config.axis.timeoutMs } : {}), userAgent: 'vdxp-agent' },
        store,
        agencies: [...config.agencies],
        pollIntervalMs: config.pollIntervalMs,
        ...(signing ? { signing } : {}),
        ...(verification ? { verification } : {}),
        ...(config.deadlines ? { deadlines: config.deadlines } : {}),
        ...(config.retry ? { retry: config.retry } : {}),
        ...(config.maxPackageBytes ? { maxPackageBytes: config.maxPackageBytes } : {}),
        ...(config.workerId ? { workerId: config.workerId } : {}),
      };
      const connector = new Connector(options);
      const webhook = config.webhook ? await WebhookQueue.open({ ...config.webhook, dir: state.webhook, logger: logger.child({ part: 'webhook' }) }) : undefined;
      const emit = async (e: AgentEventInput) => {
        if (webhook) await webhook.enqueue(e);
      };
      const inbox = new InboxWriter(config.folders.inbox, state.tmp, store);
      await inbox.cleanup();
      wireAgentEvents(connector, inbox, emit, logger.child({ part: 'connector' }));
      const watcher = new OutboxWatcher({
        folders: config.folders,
        processingDir: state.processing,
        connector,
        complete: config.folders.complete,
        scanIntervalMs: config.folders.scanIntervalMs,
        settleMs: config.folders.settleMs,
        logger: logger.child({ part: 'outbox' }),
        emit,
      });
      const agent = new Agent({ config, store, lock, connector, watcher, webhook, logger });
      webhook?.start();
      connector.start();
      watcher.start();
      if (config.api) {
        try {
          agent.#api = await AgentHttpApi.start({
            ...config.api,
            logger: logger.child({ part: 'api' }),
            context: { connector, store, metrics: async () => formatAgentMetrics(await agent.metrics()), health: async () => agent.#health() },
          });
        } catch (e) {
          await agent.stop();
          throw e;
        }
      }
      logger.info('agent started', { agencies: config.agencies.map((a) => a.organId), axis: config.axis.endpoint, api: agent.#api?.url, webhook: config.webhook?.url });
      return agent;
    } catch (e) {
      await store.close().catch(() => undefined);
      await lock.release();
      throw e;
    }
  }

  /** The agent's connector (tracking, reports, operations). */
  get connector(): Connector {
    return this.#connector;
  }

  /** The HTTP API's URL, when it is configured. */
  get apiUrl(): string | undefined {
    return this.#api?.url;
  }

  /** Scans the outbox folder and polls the axis now instead of at the next interval. */
  poke(): void {
    this.#watcher.poke();
    this.#connector.poll();
  }

  /**
   * Stops cleanly: the API stops taking requests, the folder watcher finishes the drop under
   * way, the connector the send under way; settled drops are moved, webhook events delivered
   * for up to `webhook.flushTimeoutMs`, the store closed. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#logger.info('agent stopping');
      await this.#api?.close();
      await this.#watcher.stop();
      await this.#connector.stop();
      await this.#watcher.drain();
      await this.#webhook?.stop();
      await this.#store.close();
      await this.#lock.release();
      this.#logger.info('agent stopped');
    })();
    return this.#stopped;
  }

  /** Counts and gauges for `GET /metrics`. */
  async metrics(): Promise<AgentMetrics> {
    const s = this.#store;
    const [edocsSent, edocsFailed, statusesSent, pending, sending, received, statusesIn, notHanded, drops] = await Promise.all([
      s.listOutbox({ messageType: 'edoc', state: 'sent' }),
      s.listOutbox({ messageType: 'edoc', state: 'failed' }),
      s.listOutbox({ messageType: 'status', state: 'sent' }),
      s.listOutbox({ state: 'pending' }),
      s.listOutbox({ state: 'sending' }),
      s.listInbox({ messageType: 'edoc' }),
      s.listInbox({ messageType: 'status' }),
      s.listInbox({ handedOver: false }),
      this.#watcher.stats(),
    ]);
    const hook = this.#webhook?.stats();
    const now = Date.now();
    const times = [...pending, ...sending].map((e) => Date.parse(e.createdAt));
    if (drops.oldestClaimedAt) times.push(Date.parse(drops.oldestClaimedAt));
    if (hook?.oldestEnqueuedAt !== undefined) times.push(hook.oldestEnqueuedAt);
    return {
      documentsSent: edocsSent.length,
      documentsReceived: received.filter(isReceivedDocument).length,
      documentsFailed: edocsFailed.length,
      statusesSent: statusesSent.length,
      statusesReceived: statusesIn.length,
      outboxPending: pending.length,
      outboxSending: sending.length,
      dropsWaiting: drops.waiting,
      dropsProcessing: drops.processing,
      inboxPending: notHanded.length,
      webhookQueueDepth: hook?.depth ?? 0,
      webhookDelivered: hook?.delivered ?? 0,
      webhookFailedAttempts: hook?.failedAttempts ?? 0,
      oldestPendingSeconds: times.length > 0 ? Math.max(0, (now - Math.min(...times)) / 1000) : 0,
      uptimeSeconds: (now - this.#started) / 1000,
    };
  }

  async #health(): Promise<Record<string, unknown>> {
    return {
      status: this.#stopped ? 'stopping' : 'ok',
      agencies: this.#config.agencies.map((a) => a.organId),
      uptimeSeconds: Math.round((Date.now() - this.#started) / 1000),
    };
  }
}

/**
 * Loads `agent.json` (or takes a resolved configuration) and starts an agent.
 * @throws {ConfigError} VDXP_CONFIG_INVALID naming each bad field
 * @throws {StoreError} VDXP_STORE_LOCKED when another agent holds the store
 * @example
 * ```ts
 * const agent = await startAgent('agent.json');
 * ```
 */
export async function startAgent(config: string | ResolvedAgentConfig, options: StartAgentOptions = {}): Promise<Agent> {
  const resolved = typeof config === 'string' ? await loadAgentConfig(config, { env: options.env ?? process.env }) : config;
  return Agent.start(resolved, options);
}

/** What `vdxp agent --check` found. */
export interface AgentCheckResult {
  readonly endpoint: string;
  readonly systemId: string;
  /** Agencies the axis lists. */
  readonly axisAgencies: number;
  /** Configured agencies the axis does not list (a warning, not a failure). */
  readonly unknownAgencies: readonly string[];
}

/**
 * Checks a configuration without starting anything: the signing and trust files load, and the
 * axis answers `getAgenciesList` with these credentials.
 * @throws {IoError} VDXP_IO for unreadable files; {@link AxisError} / TransportError when the axis refuses or cannot be reached
 */
export async function checkAgent(config: ResolvedAgentConfig, options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<AgentCheckResult> {
  if (config.signing) await loadSigning(config.signing, options.env ?? process.env);
  if (config.verification) await loadVerification(config.verification);
  const client = new AxisClient({
    endpoint: config.axis.endpoint,
    systemId: config.axis.systemId,
    secret: config.axis.secret,
    timeoutMs: config.axis.timeoutMs ?? 10_000,
    retry: { retries: 1 },
    userAgent: 'vdxp-agent',
  });
  const list = await client.getAgenciesList(options.signal ? { signal: options.signal } : {});
  const known = new Set(list.items.map((a) => a.code));
  return {
    endpoint: config.axis.endpoint,
    systemId: config.axis.systemId,
    axisAgencies: list.items.length,
    unknownAgencies: config.agencies.map((a) => a.organId).filter((id) => !known.has(id) && id !== config.axis.systemId),
  };
}
