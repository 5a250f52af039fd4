import { result, type Check } from '../check.js';

/** Which netrc file lk reads, and why (NETRC, `~/.netrc`, `~/_netrc`). */
export const netrcFile: Check = {
  id: 'netrc-file',
  title: 'netrc file',
  run(facts) {
    const loc = facts.netrc.location;
    if (loc.path && !loc.exists) {
      return result(
        this,
        'fail',
        `NETRC points at ${loc.path}, which does not exist (lk reads no other file while NETRC is set).`,
        `Unset NETRC to use ~/.netrc, or create ${loc.path} with \`lk auth login\`.`,
      );
    }
    if (!loc.path) {
      const elsewhere = facts.effective && !facts.effective.source.startsWith('netrc:');
      return result(
        this,
        elsewhere ? 'pass' : 'warn',
        `No netrc file: ${loc.reason}.${elsewhere ? ' Not needed: the key comes from another source.' : ''}`,
        elsewhere ? '' : `Run \`lk auth login${facts.server ? ` --server ${facts.server.url}` : ''}\` to create ~/.netrc.`,
      );
    }
    if (facts.netrc.readError) {
      return result(this, 'fail', `${loc.path} (${loc.reason}), but ${facts.netrc.readError}.`, `Make ${loc.path} a file you own and can read: chmod 600 ${loc.path}`);
    }
    const skipped = loc.candidates.filter((c) => c.path !== loc.path && !c.exists).map((c) => c.path);
    const why = loc.reason + (skipped.length ? `; ${skipped.join(', ')} not found` : '');
    return result(this, 'pass', `${loc.path} (${why}).`);
  },
};
