import { startMockServer, type MockServer } from '@lk/mock-server';
import { basic, Client, CSRF_FAILURE, LOGIN_REQUIRED, NO_PERMISSION } from './http';

describe('admin-customizeSite: the Admin Console form post (protocol §6.1)', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ seed: 'empty' });
  });
  afterAll(() => server.close());

  it('starts with the real server defaults under the empty seed', () => {
    expect(server.state.settings).toEqual({ allowApiKeys: false, apiKeyExpirationSeconds: -1, allowSessionKeys: false });
  });

  it('renders the form for a site admin, with the CSRF field and the expiry choices', async () => {
    const c = new Client(server.url, { authorization: basic('admin@lk.test', 'admin-password') });
    const token = await c.primeCsrf();
    const r = await c.req('/admin-customizeSite.view');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.text).toContain(`name="X-LABKEY-CSRF" value="${token}"`);
    for (const v of ['-1', '604800', '2592000', '7776000', '15552000', '31536000']) expect(r.text).toContain(`value="${v}"`);
  });

  it('saves allowApiKeys, apiKeyExpirationSeconds and allowSessionKeys from a form post and redirects back', async () => {
    const c = new Client(server.url, { authorization: basic('admin@lk.test', 'admin-password') });
    const token = await c.primeCsrf();
    const r = await c.req('/admin-customizeSite.view', { form: { allowApiKeys: 'on', apiKeyExpirationSeconds: '2592000', allowSessionKeys: 'on', 'X-LABKEY-CSRF': token } });
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/labkey/admin-customizeSite.view?saved=1');
    expect(server.state.settings).toEqual({ allowApiKeys: true, apiKeyExpirationSeconds: 2592000, allowSessionKeys: true });
    // An unchecked box is absent from the post: the setting goes off.
    await c.req('/admin-customizeSite.view', { form: { allowApiKeys: 'on', apiKeyExpirationSeconds: '-1', 'X-LABKEY-CSRF': token } });
    expect(server.state.settings).toEqual({ allowApiKeys: true, apiKeyExpirationSeconds: -1, allowSessionKeys: false });
  });

  it('answers JSON when asked to', async () => {
    const c = new Client(server.url, { authorization: basic('admin@lk.test', 'admin-password') });
    await c.primeCsrf();
    const r = await c.req('/admin-customizeSite.view', { form: { allowApiKeys: 'true', apiKeyExpirationSeconds: '604800' }, csrf: true, headers: { accept: 'application/json' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true, settings: { allowApiKeys: true, apiKeyExpirationSeconds: 604800, allowSessionKeys: false } });
  });

  it('rejects a bad expiry value and keeps the settings', async () => {
    const before = server.state.settings;
    const c = new Client(server.url, { authorization: basic('admin@lk.test', 'admin-password') });
    await c.primeCsrf();
    const r = await c.req('/admin-customizeSite.view', { form: { allowApiKeys: 'on', apiKeyExpirationSeconds: 'soon' }, csrf: true });
    expect(r.status).toBe(400);
    expect(server.state.settings).toEqual(before);
  });

  it('requires the CSRF token', async () => {
    const c = new Client(server.url, { authorization: basic('admin@lk.test', 'admin-password') });
    await c.primeCsrf();
    const r = await c.req('/admin-customizeSite.view', { form: { allowApiKeys: 'on' } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(CSRF_FAILURE);
  });

  it('refuses non-admins with 403 and guests with 401', async () => {
    const alice = new Client(server.url, { authorization: basic('alice@lk.test', 'alice-password') });
    await alice.primeCsrf();
    const a = await alice.req('/admin-customizeSite.view', { form: { allowApiKeys: 'on' }, csrf: true });
    expect(a.status).toBe(403);
    expect(a.body).toEqual(NO_PERMISSION);
    const g = await new Client(server.url).req('/admin-customizeSite.view');
    expect(g.status).toBe(401);
    expect(g.body).toEqual(LOGIN_REQUIRED);
  });

  it('updateSettings refuses nonsense expiry values', () => {
    expect(() => server.state.updateSettings({ apiKeyExpirationSeconds: 0 })).toThrow(RangeError);
    expect(() => server.state.updateSettings({ apiKeyExpirationSeconds: 1.5 })).toThrow(RangeError);
  });
});

describe('project-getContainers (protocol §5)', () => {
  let server: MockServer;
  let alice: Client;
  beforeAll(async () => {
    server = await startMockServer();
    alice = new Client(server.url, { authorization: basic('alice@lk.test', 'alice-password') });
  });
  afterAll(() => server.close());

  it('answers guests without a 401, showing nothing they cannot read', async () => {
    const r = await new Client(server.url).req('/home/project-getContainers.api');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ children: [] });
  });

  it('returns the container with its immediate children (each with children: [])', async () => {
    const r = await alice.req('/home/project-getContainers.api');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'home', path: '/home', parentPath: '/', title: 'home', type: 'project', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(r.body.effectivePermissions).toContain('org.labkey.api.security.permissions.ReadPermission');
    expect(r.body.effectivePermissions).not.toContain('org.labkey.api.security.permissions.AdminPermission');
    expect(r.body.children).toHaveLength(1);
    expect(r.body.children[0]).toMatchObject({ name: 'Sub Folder', path: '/home/Sub Folder', children: [] });
  });

  it('a readable container carries every standard property of §5, with formats and parent ids', async () => {
    const r = await alice.req('/home/project-getContainers.api');
    const keys = ['name', 'path', 'parentPath', 'title', 'formats', 'id', 'effectivePermissions', 'parentId', 'startUrl', 'iconHref', 'sortOrder', 'isWorkbook', 'isContainerTab', 'type', 'activeModules', 'folderType', 'hasRestrictedActiveModule', 'auditCommentsRequired', 'children'];
    for (const c of [r.body, r.body.children[0]]) {
      for (const k of keys) expect([c.path, k, k in c]).toEqual([c.path, k, true]);
      expect(Object.keys(c.formats).sort()).toEqual(['dateFormat', 'dateTimeFormat', 'numberFormat', 'timeFormat']);
      expect(typeof c.isWorkbook).toBe('boolean');
      expect(typeof c.isContainerTab).toBe('boolean');
      expect(Array.isArray(c.activeModules)).toBe(true);
      expect(typeof c.sortOrder).toBe('number');
    }
    expect(r.body.children[0]).toMatchObject({ parentPath: '/home', parentId: r.body.id, type: 'folder' });
    const root = await alice.req('/project-getContainers.api');
    expect(r.body.parentId).toBe(root.body.id);
  });

  it('lists the projects from the root with includeSubfolders', async () => {
    const r = await alice.req('/project-getContainers.api?includeSubfolders=true');
    expect(r.body.path).toBe('/');
    const paths = r.body.children.map((c: any) => c.path);
    expect(paths).toEqual(['/home', '/Shared']);
    expect(r.body.children[0].children[0].path).toBe('/home/Sub Folder');
  });

  it('honours depth, includeStandardProperties and includeEffectivePermissions', async () => {
    const r = await alice.req('/project-getContainers.api?includeSubfolders=true&depth=1&includeStandardProperties=false&includeEffectivePermissions=false');
    expect(r.body.children[0].children).toEqual([]);
    expect(r.body).not.toHaveProperty('title');
    expect(r.body).not.toHaveProperty('effectivePermissions');
    expect(r.body).toHaveProperty('id');
  });

  it('takes several containers with multipleContainers (POST JSON, as Python sends)', async () => {
    const r = await alice.req('/project-getContainers.view', { json: { container: ['/home', '/Shared'], multipleContainers: true } });
    expect(r.status).toBe(200);
    expect(r.body.containers.map((c: any) => c.path)).toEqual(['/home', '/Shared']);
  });

  it('containerFilter gives a flat {containers} list of the readable folders it names, without children', async () => {
    const paths = async (filter: string, where = '/home/Sub%20Folder') => {
      const r = await alice.req(`${where}/project-getContainers.api?containerFilter=${filter}`);
      expect([filter, r.status]).toEqual([filter, 200]);
      expect(Object.keys(r.body)).toEqual(['containers']);
      for (const c of r.body.containers) expect(c).not.toHaveProperty('children');
      return r.body.containers.map((c: any) => c.path);
    };
    expect(await paths('Current')).toEqual(['/home/Sub Folder']);
    expect(await paths('CurrentAndParents')).toEqual(['/home/Sub Folder', '/home', '/']);
    expect(await paths('CurrentPlusProject')).toEqual(['/home/Sub Folder', '/home']);
    expect(await paths('CurrentAndSubfolders', '/home')).toEqual(['/home', '/home/Sub Folder']);
    expect(await paths('AllInProjectPlusShared')).toEqual(['/home', '/home/Sub Folder', '/Shared']);
    expect(await paths('AllFolders')).toEqual(['/', '/home', '/home/Sub Folder', '/Shared']);
    const guest = await new Client(server.url).req('/home/project-getContainers.api?containerFilter=AllFolders');
    expect(guest.body).toEqual({ containers: [] });
    const bad = await alice.req('/home/project-getContainers.api?containerFilter=everything');
    expect(bad.status).toBe(500);
    expect(bad.body).toMatchObject({ exception: "'containerFilter' parameter is not valid", success: false });
  });

  it('answers a bogus container parameter with 404', async () => {
    const r = await alice.req('/project-getContainers.api?container=/bogus');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ exception: 'Could not find requested container', success: false });
  });

  it('shows admins the admin permissions', async () => {
    const admin = new Client(server.url, { authorization: basic('admin@lk.test', 'admin-password') });
    const r = await admin.req('/Shared/project-getContainers.api');
    expect(r.body.effectivePermissions).toContain('org.labkey.api.security.permissions.AdminPermission');
  });
});
