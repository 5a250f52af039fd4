import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleControl } from './control';
import { isLoopback } from './http-util';
import type { MockLabKey } from './server';

describe('control endpoint: loopback only', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.0.0.5', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['192.168.1.2', false],
    ['::ffff:10.0.0.5', false],
    ['fe80::1', false],
    [undefined, false],
  ])('isLoopback(%s) = %s', (addr, expected) => {
    expect(isLoopback(addr)).toBe(expected);
  });

  it('refuses a request from a non-loopback address with 403 before doing anything', async () => {
    // A request object as node:http would hand it over from a remote peer (no network needed).
    const req = { socket: { remoteAddress: '10.0.0.5' }, method: 'POST', headers: {} } as unknown as IncomingMessage;
    let status = 0;
    let body = '';
    const res = {
      statusCode: 0,
      setHeader() {},
      end(b: Buffer) {
        status = this.statusCode;
        body = b.toString();
      },
    } as unknown as ServerResponse;
    let touched = false;
    const server = new Proxy({}, { get: () => { touched = true; return undefined; } }) as unknown as MockLabKey;
    const sent = await handleControl(server, req, res, 'clock');
    expect(sent).toBe(403);
    expect(status).toBe(403);
    expect(JSON.parse(body)).toEqual({ success: false, exception: 'The /_mock/ control endpoint only answers loopback clients.' });
    expect(touched).toBe(false);
  });
});
