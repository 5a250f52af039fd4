// Child process for the body tests: one request through the built SDK, then one line of JSON on
// stdout with the error's code, name, phase and how long it took, and the peak RSS growth (MB)
// over the process's state after a warm-up request (SDK and undici loaded, a connection open).
// argv: <sdk dist index.js> <server url> <json client options>
const [sdkPath, url, optionsJson] = process.argv.slice(2);
const sdk = await import(sdkPath);
const client = sdk.createClient({ baseUrl: url, apiKey: 'lk_test_00000000000000000000000000000000000000000000000000000000000000ab', retries: 0, ...JSON.parse(optionsJson) });
await client.request({ controller: 'warm', action: 'up', method: 'GET' }).catch(() => undefined);
global.gc?.();
const before = process.resourceUsage().maxRSS / 1024;
const t0 = Date.now();
let out;
try {
  await client.request({ controller: 'hostile', action: 'hostile-body', method: 'GET' });
  out = { code: 'none' };
} catch (e) {
  out = { code: e.code, name: e.name, phase: e.phase, limitBytes: e.limitBytes, hint: e.hint };
}
out.ms = Date.now() - t0;
out.rssGrowthMb = process.resourceUsage().maxRSS / 1024 - before;
await client.close();
process.stdout.write(JSON.stringify(out) + '\n');
