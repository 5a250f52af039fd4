// @lk/mock-server: an offline LabKey Server for tests and demos.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClock } from './clock.js';
import { ContainerTree } from './containers.js';
import { handleControl } from './control.js';
import { registerCoreTables } from './core-tables.js';
import { createEngine } from './engine-loader.js';
import { pageRoutes } from './pages/index.js';
import { readDataFile, writeDataFileAtomic } from './persist.js';
import { customizeSite } from './routes/admin.js';
import { loginRoutes } from './routes/login.js';
import { getContainers } from './routes/project.js';
import { queryRoutes } from './routes/query.js';
import { generationOf } from './generations.js';
import { securityRoutesFor } from './routes/security.js';
import { seedState } from './seed.js';
import { MockLabKey } from './server.js';
import { DEFAULT_SESSION_TIMEOUT_MS, StateStore } from './state.js';
import type { MockServer, MockServerOptions } from './types.js';
import { normalizeContextPath } from './url.js';

export { LABKEY_VERSIONS, NEWEST_LABKEY_VERSION, type LabKeyVersion } from './generations.js';
export type { ApiKeyRow, MockClock, MockServer, MockServerOptions, MockState, MockUser, RequestLogEntry, SiteSettings } from './types.js';
export { SEEDED_ACCOUNTS } from './seed.js';

/**
 * Start a mock LabKey Server (default: 127.0.0.1, an ephemeral port, context path `/labkey`,
 * the `demo` seed). With `dataFile`, users, settings, keys and rows are loaded from it when it
 * exists and saved to it (atomically) after every change; a malformed file rejects the promise.
 * @public
 */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const contextPath = normalizeContextPath(options.contextPath);
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 'demo';
  const generation = generationOf(options);
  const clock = createClock(options.now);
  const state = new StateStore(clock, options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS, generation);
  const engine = createEngine({
    generatedRows: options.generatedRows ?? 1000,
    now: () => clock.now(),
    seed,
    contextPath,
    ...(options.sqlTimeCapMs !== undefined ? { sqlTimeCapMs: options.sqlTimeCapMs } : {}),
  });

  const persisted = options.dataFile ? readDataFile(options.dataFile) : undefined;
  if (persisted) {
    state.load(persisted);
    if (persisted.query !== undefined && engine) engine.load(persisted.query);
  } else {
    seedState(state, seed);
  }
  if (engine) registerCoreTables(engine, state, generation);

  const app = new MockLabKey(
    {
      contextPath,
      generation,
      control: Boolean(options.control),
      realm: options.systemDescription ?? 'LabKey Mock Server',
      maxLogEntries: options.maxLogEntries ?? 10000,
    },
    state,
    clock,
    new ContainerTree(),
  );
  for (const r of [...loginRoutes, ...securityRoutesFor(generation.keyRoles), getContainers, customizeSite, ...queryRoutes(() => engine, generation)]) app.register(r);
  for (const p of pageRoutes) app.registerPage(p);
  app.controlHandler = handleControl;

  const save = (): void => {
    if (!options.dataFile) return;
    writeDataFileAtomic(options.dataFile, state.serialize(engine ? engine.serialize() : undefined));
    state.dirty = false;
    app.dataDirty = false;
  };
  let saveScheduled = false;
  if (options.dataFile) {
    app.afterRequest = () => {
      if (state.dirty || app.dataDirty) save();
    };
    // Changes made through the in-process API (no request) are saved on the next turn.
    state.onChange = () => {
      if (saveScheduled) return;
      saveScheduled = true;
      setImmediate(() => {
        saveScheduled = false;
        if (!closing && (state.dirty || app.dataDirty)) save();
      });
    };
    if (!persisted) save();
  }
  let closing = false;

  const http: Server = createServer({ keepAlive: true }, app.listener);
  http.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${hostInUrl}:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url: origin + contextPath,
    origin,
    port,
    clock,
    state,
    requests: app.requests,
    bodiesInFlight: () => app.bodyBudget.inFlight,
    close() {
      closing = true;
      closed ??= new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }).then(() => {
        if (options.dataFile && (state.dirty || app.dataDirty)) save();
        engine?.close();
      });
      return closed;
    },
  };
}
