// query-truncateTable.api and query-moveRows.api, as LabKey's QueryController serves them
// (TruncateTableAction, MoveRowsAction; labkey-api-python 3.0.0 calls both with a JSON body).
import { LABKEY_VERSIONS, startMockServer, type MockServer } from '@lk/mock-server';
import { basic, Client, CSRF_FAILURE, NO_PERMISSION } from './http';

const EDITOR = 'org.labkey.api.security.roles.EditorRole';
const AUTHOR = 'org.labkey.api.security.roles.AuthorRole';
const READER = 'org.labkey.api.security.roles.ReaderRole';

async function signedIn(server: MockServer, email: string, password: string): Promise<Client> {
  const c = new Client(server.url, { authorization: basic(email, password) });
  await c.primeCsrf();
  return c;
}

async function withKey(server: MockServer, email: string, role?: string): Promise<Client> {
  const { key } = server.state.issueApiKey(email, role ? { role } : {});
  const c = new Client(server.url, { apikey: key });
  await c.primeCsrf();
  return c;
}

/** The form-errors body LabKey writes for a validation error (`errors.reject`). */
const formError = (message: string) => ({
  success: false,
  exception: message,
  errors: [{ id: null, msg: message, field: null, message, severity: 'ERROR' }],
});

const peopleCount = async (c: Client, folder = '/home') => (await c.req(`${folder}/query-selectRows.api?schemaName=lists&query.queryName=People`)).body.rowCount;

describe('query-truncateTable.api (QueryController.TruncateTableAction, as labkey-api-python truncate_table calls it)', () => {
  let server: MockServer;
  beforeEach(async () => {
    server = await startMockServer({ generatedRows: 10 });
  });
  afterEach(() => server.close());

  it('deletes every row of a list and answers success, the names as sent and deletedRows', async () => {
    const admin = await signedIn(server, 'admin@lk.test', 'admin-password');
    const r = await admin.req('/home/query-truncateTable.api', { json: { schemaName: 'lists', queryName: 'people' }, csrf: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, schemaName: 'lists', queryName: 'people', deletedRows: 5 });
    expect(await peopleCount(admin)).toBe(0);
    // A truncate is a DELETE: the list's key counter goes on from where it was.
    const ins = await admin.req('/home/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'After' }] }, csrf: true });
    expect(ins.body.rows[0].Key).toBe(6);
    const again = await admin.req('/home/query-truncateTable.api', { form: { schemaName: 'lists', 'query.queryName': 'People' }, csrf: true });
    expect(again.body).toEqual({ success: true, schemaName: 'lists', queryName: 'People', deletedRows: 1 });
  });

  it('needs Admin in the folder: a user who may delete rows gets 403, a guest 401, and nothing is deleted', async () => {
    const alice = await signedIn(server, 'alice@lk.test', 'alice-password');
    const del = await alice.req('/home/query-deleteRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Key: 5 }] }, csrf: true });
    expect(del.status).toBe(200);
    const r = await alice.req('/home/query-truncateTable.api', { json: { schemaName: 'lists', queryName: 'People' }, csrf: true });
    expect([r.status, r.body]).toEqual([403, NO_PERMISSION]);
    const guest = await new Client(server.url).req('/home/query-truncateTable.api', { json: { schemaName: 'lists', queryName: 'People' } });
    expect([guest.status, guest.body]).toEqual([401, NO_PERMISSION]);
    expect(guest.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(await peopleCount(alice)).toBe(4);
  });

  it('a 26.7 key restricted to Editor cannot truncate, though its user is a site admin', async () => {
    const c = await withKey(server, 'admin@lk.test', EDITOR);
    const r = await c.req('/home/query-truncateTable.api', { json: { schemaName: 'lists', queryName: 'People' }, csrf: true });
    expect([r.status, r.body]).toEqual([403, NO_PERMISSION]);
  });

  it('is POST only and CSRF-checked', async () => {
    const admin = await signedIn(server, 'admin@lk.test', 'admin-password');
    const noToken = await admin.req('/home/query-truncateTable.api', { json: { schemaName: 'lists', queryName: 'People' } });
    expect([noToken.status, noToken.body]).toEqual([401, CSRF_FAILURE]);
    const get = await admin.req('/home/query-truncateTable.api?schemaName=lists&queryName=People');
    expect([get.status, get.body]).toEqual([405, { success: false, exception: 'Method Not Allowed: GET' }]);
    expect(await peopleCount(admin)).toBe(5);
  });

  it('names a missing name, schema or query with a 404 NotFoundException (not insertRows\' 500s)', async () => {
    const admin = await signedIn(server, 'admin@lk.test', 'admin-password');
    const cases: [Record<string, unknown>, string][] = [
      [{ schemaName: 'lists' }, 'schemaName and queryName are required'],
      [{ queryName: 'People', schemaName: ' ' }, 'schemaName and queryName are required'],
      [{ schemaName: 'nope', queryName: 'People' }, "The schema 'nope' does not exist."],
      [{ schemaName: 'lists', queryName: 'Nope' }, "The query 'Nope' in the schema 'lists' does not exist."],
    ];
    for (const [json, message] of cases) {
      const r = await admin.req('/home/query-truncateTable.api', { json, csrf: true });
      expect([r.status, r.body.exception, r.body.exceptionClass, r.body.success]).toEqual([404, message, 'org.labkey.api.view.NotFoundException', false]);
    }
  });

  it('truncates the URL\'s folder: a body containerPath is not read (the form is a plain QueryForm)', async () => {
    const admin = await signedIn(server, 'admin@lk.test', 'admin-password');
    const r = await admin.req('/home/query-truncateTable.api', { json: { schemaName: 'lists', queryName: 'People', containerPath: '/Shared' }, csrf: true });
    expect(r.body.deletedRows).toBe(5);
    const elsewhere = await admin.req('/Shared/query-truncateTable.api', { json: { schemaName: 'lists', queryName: 'People' }, csrf: true });
    expect([elsewhere.status, elsewhere.body.exception]).toEqual([404, "The query 'People' in the schema 'lists' does not exist."]);
  });

  it('core tables: UserAPIKeys refuses, Users has nothing to truncate with, APIKeys deletes every key', async () => {
    const admin = await signedIn(server, 'admin@lk.test', 'admin-password');
    const own = await admin.req('/home/query-truncateTable.api', { json: { schemaName: 'core', queryName: 'UserAPIKeys' }, csrf: true });
    expect([own.status, own.body.exception, own.body.exceptionClass]).toEqual([500, 'Truncation of table core.UserApiKeys is not supported.', 'java.lang.UnsupportedOperationException']);
    const users = await admin.req('/home/query-truncateTable.api', { json: { schemaName: 'core', queryName: 'Users' }, csrf: true });
    expect([users.status, users.body.exception, users.body.exceptionClass]).toEqual([500, "The query 'Users' in the schema 'core' is not truncatable.", 'java.lang.IllegalArgumentException']);

    const { key } = server.state.issueApiKey('alice@lk.test');
    server.state.issueApiKey('bob@lk.test');
    expect((await new Client(server.url, { apikey: key }).req('/login-whoAmI.api')).body.email).toBe('alice@lk.test');
    const n = server.state.listApiKeys().length;
    const all = await admin.req('/home/query-truncateTable.api', { json: { schemaName: 'core', queryName: 'APIKeys' }, csrf: true });
    expect(all.body).toEqual({ success: true, schemaName: 'core', queryName: 'APIKeys', deletedRows: n });
    expect(server.state.listApiKeys()).toEqual([]);
    expect((await new Client(server.url, { apikey: key }).req('/login-whoAmI.api')).status).toBe(401);
  });
});

describe('query-moveRows.api (QueryController.MoveRowsAction, LabKey 24.1+, as labkey-api-python move_rows calls it)', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ generatedRows: 10 });
  });
  afterAll(() => server.close());

  const move = (c: Client, json: Record<string, unknown>, folder = '/home') => c.req(`${folder}/query-moveRows.api`, { json, csrf: true });
  const people = (target: string, extra: Record<string, unknown> = {}) => ({ targetContainerPath: target, schemaName: 'lists', queryName: 'People', rows: [{ Key: 1 }], ...extra });

  it('checks everything LabKey checks, then answers as a real server does for a list: "Move is not supported for this table type."', async () => {
    const alice = await signedIn(server, 'alice@lk.test', 'alice-password');
    for (const [from, to] of [
      ['/home', '/home/Sub Folder'],
      ['/home', '/home'],
      ['/home/Sub Folder', '/home'],
      ['/home', '00000000-0000-1000-8000-000000000004'],
    ] as const) {
      const r = await move(alice, people(to, from === '/home' ? {} : { containerPath: '/home' }), from);
      expect([from, to, r.status, r.body.exception, r.body.exceptionClass, r.body.success]).toEqual([
        from,
        to,
        500,
        'Move is not supported for this table type.',
        'java.lang.UnsupportedOperationException',
        false,
      ]);
    }
    expect(await peopleCount(alice)).toBe(5);
  });

  it('validates the target first, with 400s in the form-errors shape', async () => {
    const alice = await signedIn(server, 'alice@lk.test', 'alice-password');
    const admin = await signedIn(server, 'admin@lk.test', 'admin-password');
    const cases: [Client, Record<string, unknown>, string][] = [
      [alice, { schemaName: 'lists', queryName: 'People', rows: [{ Key: 1 }] }, 'A target container must be specified for the move operation.'],
      [alice, people('/nowhere'), 'The target container was not found: /nowhere.'],
      // Insert in the target comes before the one-project rule; the root is read-only for users.
      [alice, people('/'), "You do not have permission to move rows from 'People' to the target container: /."],
      [alice, people('/', { queryName: undefined }), 'You do not have permission to move rows from this table to the target container: /.'],
      [admin, people('/'), 'Invalid target container for the move operation: /.'],
      [alice, people('/Shared'), 'Invalid target container for the move operation: /Shared.'],
      // The target is checked before the rows.
      [alice, people('/nowhere', { rows: [] }), 'The target container was not found: /nowhere.'],
    ];
    for (const [c, json, message] of cases) {
      const r = await move(c, json);
      expect([json, r.status, r.body]).toEqual([json, 400, formError(message)]);
    }
    const sibling = await move(alice, people('/Shared'), '/home/Sub Folder');
    expect(sibling.body.exception).toBe('Invalid target container for the move operation: /Shared.');
  });

  it('then reads the command as insert/update/delete do', async () => {
    const alice = await signedIn(server, 'alice@lk.test', 'alice-password');
    const empty = await move(alice, people('/home', { rows: [] }));
    expect([empty.status, empty.body]).toEqual([400, formError("No 'rows' array supplied.")]);
    const cases: [Record<string, unknown>, string, string][] = [
      [people('/home', { queryName: 'Nope' }), "The query 'Nope' in the schema 'lists' does not exist.", 'java.lang.IllegalArgumentException'],
      [people('/home', { schemaName: 'nope' }), "The schema 'nope' does not exist.", 'java.lang.IllegalArgumentException'],
      [people('/home', { containerPath: '/nowhere' }), 'Unknown container: /nowhere', 'java.lang.IllegalArgumentException'],
      [people('/home', { rows: [{ Key: 1 }, 7] }), 'rows[1] is not an object.', 'java.lang.IllegalArgumentException'],
      [people('/home', { schemaName: undefined }), 'JSONObject["schemaName"] not found.', 'org.json.JSONException'],
    ];
    for (const [json, message, cls] of cases) {
      const r = await move(alice, json);
      expect([json, r.status, r.body.exception, r.body.exceptionClass]).toEqual([json, 500, message, cls]);
    }
    const form = await alice.req('/home/query-moveRows.api', { form: { targetContainerPath: '/home', schemaName: 'lists' }, csrf: true });
    expect([form.status, form.body]).toEqual([400, formError('Empty request')]);
    const asJsonField = await alice.req('/home/query-moveRows.api', { form: { json: JSON.stringify(people('/nowhere')) }, csrf: true });
    expect(asJsonField.body.exception).toBe('The target container was not found: /nowhere.');
  });

  it('needs MoveEntities on the table: not on the key tables, not with an Author key; a Reader key cannot insert into the target', async () => {
    const alice = await signedIn(server, 'alice@lk.test', 'alice-password');
    const keys = await move(alice, { targetContainerPath: '/home', schemaName: 'core', queryName: 'UserAPIKeys', rows: [{ RowId: 1 }] });
    expect([keys.status, keys.body.exception, keys.body.exceptionClass]).toEqual([403, NO_PERMISSION.exception, 'org.labkey.api.view.UnauthorizedException']);
    const author = await withKey(server, 'alice@lk.test', AUTHOR);
    const a = await move(author, people('/home/Sub Folder'));
    expect([a.status, a.body.exception]).toEqual([403, NO_PERMISSION.exception]);
    const editor = await withKey(server, 'alice@lk.test', EDITOR);
    expect((await move(editor, people('/home/Sub Folder'))).body.exception).toBe('Move is not supported for this table type.');
    const reader = await withKey(server, 'alice@lk.test', READER);
    const rd = await move(reader, people('/home/Sub Folder'));
    expect([rd.status, rd.body.exception]).toEqual([400, "You do not have permission to move rows from 'People' to the target container: /home/Sub Folder."]);
  });

  it('is POST only, CSRF-checked, and refuses guests with the permission 401', async () => {
    const alice = await signedIn(server, 'alice@lk.test', 'alice-password');
    const noToken = await alice.req('/home/query-moveRows.api', { json: people('/home') });
    expect([noToken.status, noToken.body]).toEqual([401, CSRF_FAILURE]);
    const get = await alice.req('/home/query-moveRows.api?schemaName=lists');
    expect([get.status, get.body]).toEqual([405, { success: false, exception: 'Method Not Allowed: GET' }]);
    const guest = await new Client(server.url).req('/home/query-moveRows.api', { json: people('/home') });
    expect([guest.status, guest.body]).toEqual([401, NO_PERMISSION]);
  });
});

describe('query-moveRows.api by generation (labkey-api-python: "earliest compatible LabKey Server version: 24.1.0")', () => {
  it.each(LABKEY_VERSIONS.map((v) => [v]))('%s', async (v) => {
    const server = await startMockServer({ labkeyVersion: v, generatedRows: 0 });
    try {
      const alice = await signedIn(server, 'alice@lk.test', 'alice-password');
      const r = await alice.req('/home/query-moveRows.api', { json: { targetContainerPath: '/home', schemaName: 'lists', queryName: 'People', rows: [{ Key: 1 }] }, csrf: true });
      if (v === '22.11' || v === '23.3') {
        // No such action before 24.1: the server's answer to any action it does not have.
        expect([r.status, r.body]).toEqual([404, { success: false, exception: "Unable to find action 'moveRows' to handle request in controller 'query'." }]);
      } else {
        expect([r.status, r.body.exception]).toEqual([500, 'Move is not supported for this table type.']);
      }
      // truncateTable is older than every generation the mock can be.
      const admin = await signedIn(server, 'admin@lk.test', 'admin-password');
      const t = await admin.req('/home/query-truncateTable.api', { json: { schemaName: 'lists', queryName: 'People' }, csrf: true });
      expect(t.body).toEqual({ success: true, schemaName: 'lists', queryName: 'People', deletedRows: 5 });
    } finally {
      await server.close();
    }
  });
});
