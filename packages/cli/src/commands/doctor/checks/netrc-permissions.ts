import { result } from '../check.js';
import { netrcFileCheck } from './netrc-check.js';

/** A netrc file others can read gives away the key (Python's netrc module refuses such a file). */
export const netrcPermissions = netrcFileCheck({
  id: 'netrc-permissions',
  title: 'netrc permissions',
  run(file, facts) {
    if (facts.platform === 'win32' || facts.netrc.mode === undefined) return result(this, 'skip', 'Permission bits are not checked on this platform.');
    const mode = facts.netrc.mode;
    const bits = mode.toString(8).padStart(4, '0');
    if ((mode & 0o077) === 0) return result(this, 'pass', `${file} is mode ${bits} (only you can read it).`);
    const who = [(mode & 0o070) !== 0 ? 'group' : '', (mode & 0o007) !== 0 ? 'others' : ''].filter(Boolean).join(' and ');
    const writable = (mode & 0o022) !== 0 ? ' and write' : '';
    return result(this, 'fail', `${file} is mode ${bits}: ${who} can read${writable} it, and it holds API keys.`, `chmod 600 ${file}  (or \`lk doctor --fix\`)`, {
      repairs: [{ id: 'chmod-600', kind: 'mode', description: `set the mode of ${file} to 0600 (was ${bits})` }],
    });
  },
});
