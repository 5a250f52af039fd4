/**
 * What is wrong with a `machine` name that is not a bare hostname (`https://host`, `host:8443`,
 * `host/labkey`, `user@host`, a trailing slash or comma), as short phrases, and the hostname it
 * was meant to be. Undefined for a bare hostname (netrc readers compare the hostname only, so
 * any of these never matches). @public
 */
export function netrcMachineShape(machine: string): { bare: string; problems: string[] } | undefined {
  const problems: string[] = [];
  let rest = machine.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    problems.push(`a scheme (${scheme[1]!.toLowerCase()}://)`);
    rest = rest.slice(scheme[0].length);
  }
  const slash = rest.indexOf('/');
  const path = slash === -1 ? '' : rest.slice(slash);
  if (slash !== -1) rest = rest.slice(0, slash);
  const at = rest.lastIndexOf('@');
  if (at !== -1) {
    problems.push('a user name (user@)');
    rest = rest.slice(at + 1);
  }
  let host = rest;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close !== -1 && /^:\d+$/.test(host.slice(close + 1))) {
      problems.push(`a port (${host.slice(close + 1)})`);
      host = host.slice(0, close + 1);
    }
  } else if ((host.match(/:/g) ?? []).length === 1) {
    const [h, port] = host.split(':');
    problems.push(`a port (:${port})`);
    host = h!;
  }
  if (path.replace(/\/+$/, '') !== '') problems.push(`a path (${path})`);
  else if (path !== '' && !scheme) problems.push('a trailing slash');
  if (host.includes(',')) problems.push('a comma');
  if (problems.length === 0) return undefined;
  return { bare: host.replace(/,+$/, '').toLowerCase(), problems };
}
