/** Starts the real mock LabKey server (in this process, port 0) for a describe block. */
import { startMockServer, type MockServer, type MockServerOptions } from '@lk/mock-server';

export interface MockServerHandle {
  readonly server: MockServer;
  readonly url: string;
}

export function withMockServer(options: MockServerOptions = {}): MockServerHandle {
  let server: MockServer | undefined;
  beforeAll(async () => {
    server = await startMockServer(options);
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('mock server not started yet (use it inside a test)');
      return server;
    },
    get url() {
      return this.server.url;
    },
  };
}
