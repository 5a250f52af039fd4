import { startMockServer, type MockServer } from '@lk/mock-server';
import { Client } from './http';

// selectRows includeDetailsColumn / includeUpdateColumn on a list, as LabKey writes them
// (LabKey/platform, develop 2024-10-24): QueryView.addDetailsAndUpdateColumns puts an UpdateColumn
// ("edit", only for users who may update) and a DetailsColumn ("details") before the data columns;
// ApiQueryResponse names them ~~Update~~ / ~~Details~~ in rows (8.3: the text, plus
// _labkeyurl_<key>; 9.1: {value, url}); ReportingApiQueryResponse (13.2+) moves them to
// row.links. The URLs are the list's: ListTable's details URL (list-details.view?name=…&pk=…) and
// the default query-updateQueryRow.view (lists set none of their own).
describe('selectRows details and update link columns on lists (ApiQueryResponse, protocol §4.2)', () => {
  let server: MockServer;
  let alice: Client;
  beforeAll(async () => {
    server = await startMockServer();
    alice = new Client(server.url, { apikey: server.state.issueApiKey('alice@lk.test').key });
  });
  afterAll(() => server.close());

  const UPDATE = '/labkey/home/query-updateQueryRow.view?schemaName=lists&query.queryName=People&Key=1';
  const DETAILS = '/labkey/home/list-details.view?name=People&pk=1';
  const people = (c: Client, q: string) => c.req(`/home/query-selectRows.api?schemaName=lists&query.queryName=People&query.sort=Key&query.maxRows=1${q}`);
  const both = '&includeDetailsColumn=true&includeUpdateColumn=true';

  it('9.1: ~~Update~~ {value: "edit", url} and ~~Details~~ {value: "details", url}, with fields and columnModel entries first', async () => {
    const r = await people(alice, `${both}&apiVersion=9.1`);
    expect(r.status).toBe(200);
    const row = r.body.rows[0];
    expect(row['~~Update~~']).toEqual({ value: 'edit', url: UPDATE });
    expect(row['~~Details~~']).toEqual({ value: 'details', url: DETAILS });
    expect(row.Name).toEqual({ value: 'Ada Lovelace' });
    // The field is named by the display column ("Details"), the row key by getColumnName ("~~Details~~").
    expect(r.body.metaData.fields.map((f: { name: string }) => f.name)).toEqual(['Update', 'Details', 'Key', 'Name', 'Age', 'Email']);
    expect(r.body.metaData.fields[1]).toMatchObject({ name: 'Details', fieldKey: 'Details', type: 'string', jsonType: 'string', sortable: false, filterable: false, calculated: true, selectable: false, caption: 'Details' });
    expect(r.body.columnModel.slice(0, 2)).toEqual([
      { dataIndex: '~~Update~~', sortable: false, filterable: false, editable: false, hidden: false, header: 'Update', width: 0, required: false },
      { dataIndex: '~~Details~~', sortable: false, filterable: false, editable: false, hidden: false, header: 'Details', required: false },
    ]);
  });

  it('8.3: the link text as the value and the URL under _labkeyurl_<key>', async () => {
    const row = (await people(alice, both)).body.rows[0];
    expect(row).toMatchObject({ '~~Update~~': 'edit', '_labkeyurl_~~Update~~': UPDATE, '~~Details~~': 'details', '_labkeyurl_~~Details~~': DETAILS, Name: 'Ada Lovelace' });
  });

  it('13.2 and 17.1: links {edit, details} beside data, and no fields for them', async () => {
    for (const v of ['13.2', '17.1']) {
      const r = await people(alice, `${both}&apiVersion=${v}`);
      const row = r.body.rows[0];
      expect(row.links).toEqual({ edit: { href: UPDATE, title: 'edit' }, details: { href: DETAILS, title: 'details' } });
      expect(Object.keys(row.data)).toEqual(['Key', 'Name', 'Age', 'Email']);
      expect(r.body.metaData.fields.map((f: { name: string }) => f.name)).toEqual(['Key', 'Name', 'Age', 'Email']);
    }
  });

  it('only what was asked for; nothing when neither is', async () => {
    const details = (await people(alice, '&includeDetailsColumn=true&apiVersion=9.1')).body;
    expect(Object.keys(details.rows[0])).toEqual(['~~Details~~', 'Key', 'Name', 'Age', 'Email']);
    const update = (await people(alice, '&includeUpdateColumn=true&apiVersion=9.1')).body;
    expect(Object.keys(update.rows[0])).toEqual(['~~Update~~', 'Key', 'Name', 'Age', 'Email']);
    const none = (await people(alice, '&includeDetailsColumn=false&apiVersion=9.1')).body;
    expect(Object.keys(none.rows[0])).toEqual(['Key', 'Name', 'Age', 'Email']);
    expect(none.columnModel.map((c: { dataIndex: string }) => c.dataIndex)).toEqual(['Key', 'Name', 'Age', 'Email']);
  });

  it('links each row by its key even when query.columns leaves the key out', async () => {
    const r = await alice.req(`/home/query-selectRows.api?schemaName=lists&query.queryName=People&query.columns=Name&query.sort=-Age${both}&apiVersion=9.1`);
    const first = r.body.rows[0];
    expect(Object.keys(first)).toEqual(['~~Update~~', '~~Details~~', 'Name']);
    expect(first.Name.value).toBe('Katherine Johnson');
    expect(first['~~Details~~'].url).toBe('/labkey/home/list-details.view?name=People&pk=4');
    expect(first['~~Update~~'].url).toBe('/labkey/home/query-updateQueryRow.view?schemaName=lists&query.queryName=People&Key=4');
  });

  it('offers no update link to a key restricted to Reader (26.7), only the details link', async () => {
    const reader = new Client(server.url, { apikey: server.state.issueApiKey('alice@lk.test', { role: 'org.labkey.api.security.roles.ReaderRole' }).key });
    const r = await people(reader, `${both}&apiVersion=9.1`);
    expect(Object.keys(r.body.rows[0])).toEqual(['~~Details~~', 'Key', 'Name', 'Age', 'Email']);
  });

  it('executeSql adds neither (a SQL query has no details URL and no update service)', async () => {
    const r = await alice.req('/home/query-executeSql.api', { form: { schemaName: 'lists', sql: 'SELECT Key, Name FROM People', apiVersion: '9.1', includeDetailsColumn: 'true', includeUpdateColumn: 'true', maxRows: '1' } });
    expect(Object.keys(r.body.rows[0])).toEqual(['Key', 'Name']);
  });
});

describe('details and update links in large answers and other context paths', () => {
  it('writes them on every row of a 25,000-row answer read as it is written', async () => {
    const s = await startMockServer({ generatedRows: 25_000 });
    try {
      const c = new Client(s.url, { apikey: s.state.issueApiKey('bob@lk.test').key });
      const r = await c.req('/home/query-selectRows.api?schemaName=lists&query.queryName=Generated&query.columns=Name&query.maxRows=-1&includeDetailsColumn=true&apiVersion=9.1');
      expect(r.body.rows).toHaveLength(25_000);
      const urls = r.body.rows.map((row: Record<string, { url: string }>) => row['~~Details~~']!.url);
      expect(urls[0]).toBe('/labkey/home/list-details.view?name=Generated&pk=1');
      expect(urls[24_999]).toBe('/labkey/home/list-details.view?name=Generated&pk=25000');
      expect(new Set(urls).size).toBe(25_000);
    } finally {
      await s.close();
    }
  });

  it('root context path: the URLs start at the container', async () => {
    const s = await startMockServer({ contextPath: '' });
    try {
      const c = new Client(s.url, { apikey: s.state.issueApiKey('bob@lk.test').key });
      const r = await c.req('/home/query-selectRows.api?schemaName=lists&query.queryName=People&query.maxRows=1&query.sort=Key&includeDetailsColumn=true');
      expect(r.body.rows[0]['_labkeyurl_~~Details~~']).toBe('/home/list-details.view?name=People&pk=1');
    } finally {
      await s.close();
    }
  });
});
