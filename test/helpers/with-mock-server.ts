/** Starts the real mock LabKey server (in this process, port 0) for a describe block. */
import { startMockServer, type MockServer, type MockServerOptions } from '@lk/mock-server';
import { perBlock } from '../../packages/cli/src/testing/lifecycle.js';

export interface MockServerHandle {
  readonly server: MockServer;
  readonly url: string;
}

export function withMockServer(options: MockServerOptions = {}): MockServerHandle {
  const server = perBlock('the mock server (use it inside a test)', () => startMockServer(options), (s) => s.close());
  return {
    server,
    get url() {
      return server.url;
    },
  };
}
