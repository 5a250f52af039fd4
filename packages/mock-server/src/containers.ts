// The mock's folder tree: root, projects /home and /Shared, folder /home/Sub Folder.

export interface Container {
  id: string;
  name: string;
  /** '/', '/home', '/home/Sub Folder' */
  path: string;
  parent: Container | null;
  title: string;
  type: 'root' | 'project' | 'folder';
  sortOrder: number;
  children: Container[];
}

export class ContainerTree {
  readonly root: Container;
  private readonly byPath = new Map<string, Container>();
  private readonly byId = new Map<string, Container>();

  constructor() {
    this.root = { id: '00000000-0000-1000-8000-000000000001', name: '', path: '/', parent: null, title: 'root', type: 'root', sortOrder: 0, children: [] };
    this.index(this.root);
    const home = this.add(this.root, 'home', '00000000-0000-1000-8000-000000000002', 'project');
    this.add(this.root, 'Shared', '00000000-0000-1000-8000-000000000003', 'project');
    this.add(home, 'Sub Folder', '00000000-0000-1000-8000-000000000004', 'folder');
  }

  private add(parent: Container, name: string, id: string, type: Container['type']): Container {
    const path = parent.path === '/' ? '/' + name : parent.path + '/' + name;
    const c: Container = { id, name, path, parent, title: name, type, sortOrder: parent.children.length, children: [] };
    parent.children.push(c);
    this.index(c);
    return c;
  }

  private index(c: Container): void {
    this.byPath.set(c.path.toLowerCase(), c);
    this.byId.set(c.id.toLowerCase(), c);
  }

  /** Container names are case-insensitive on LabKey. */
  bySegments(segments: string[]): Container | undefined {
    return this.byPath.get(('/' + segments.join('/')).toLowerCase());
  }

  /** By path ('/home', 'home/', '/') or by id. */
  find(pathOrId: string): Container | undefined {
    const s = pathOrId.trim();
    const byId = this.byId.get(s.toLowerCase());
    if (byId) return byId;
    const segs = s.split('/').filter(Boolean);
    return this.bySegments(segs);
  }

  /** The real server's 404 message for a path that resolves to no container. */
  notFoundMessage(segments: string[]): string {
    const path = '/' + segments.join('/');
    if (segments.length <= 1 || !this.bySegments(segments.slice(0, 1))) return `No such project: ${path}`;
    return `No such folder or workbook: ${path}`;
  }

  all(): Container[] {
    return [...this.byPath.values()];
  }
}
