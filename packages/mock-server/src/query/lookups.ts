import { ActionError } from '../errors.js';
import type { Catalog, OpenTable } from './catalog.js';
import type { ColumnDef, QueryUser } from './types.js';
import { captionFor, q } from './values.js';

/**
 * One-level lookup columns (`CreatedBy/DisplayName`) for one selectRows call. The target table is
 * opened (a virtual table is copied for the call) and LEFT JOINed; the source and the target must
 * live on the same connection (list → list in one container, virtual → virtual). Unresolvable
 * field keys answer undefined, so they are dropped like unknown columns.
 */
export class Lookups {
  private readonly joins: string[] = [];
  private readonly derived = new Map<string, { def: ColumnDef; expr: string }>();
  private readonly targets = new Map<string, { alias: string; byLower: Map<string, ColumnDef> } | null>();
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly catalog: Catalog,
    private readonly t: OpenTable,
    private readonly user: QueryUser,
    private readonly container: string,
  ) {}

  resolve(fieldKey: string): ColumnDef | undefined {
    const parts = fieldKey.split('/');
    if (parts.length !== 2) return undefined;
    const base = this.t.columns.find((c) => c.name.toLowerCase() === parts[0]!.toLowerCase());
    if (!base?.lookup) return undefined;
    const target = this.target(base);
    if (!target) return undefined;
    const col = target.byLower.get(parts[1]!.toLowerCase());
    if (!col) return undefined;
    const name = `${base.name}/${col.name}`;
    let d = this.derived.get(name.toLowerCase());
    if (!d) {
      d = {
        def: { name, type: col.type, caption: `${base.caption ?? captionFor(base.name)} ${col.caption ?? captionFor(col.name)}` },
        expr: `${target.alias}.${q(col.name)}`,
      };
      this.derived.set(name.toLowerCase(), d);
    }
    return d.def;
  }

  private target(base: ColumnDef): { alias: string; byLower: Map<string, ColumnDef> } | undefined {
    const key = base.name.toLowerCase();
    const known = this.targets.get(key);
    if (known !== undefined) return known ?? undefined;
    const lk = base.lookup!;
    let opened: OpenTable | undefined;
    if (lk.schemaName.toLowerCase() === this.t.schemaName.toLowerCase() && lk.queryName.toLowerCase() === this.t.queryName.toLowerCase()) {
      opened = { ...this.t, dispose: () => {} }; // a self-lookup joins the table already open
    } else try {
      opened = this.catalog.open(this.container, this.user, lk.schemaName, lk.queryName, () => new ActionError(404, 'x'), () => new ActionError(404, 'x'));
    } catch {
      opened = undefined;
    }
    if (opened) this.disposers.push(opened.dispose);
    const keyCol = opened?.columns.find((c) => c.name.toLowerCase() === lk.keyColumn.toLowerCase());
    if (!opened || opened.db !== this.t.db || !keyCol) {
      this.targets.set(key, null);
      return undefined;
    }
    const alias = `lk${this.targets.size + 1}`;
    this.joins.push(`LEFT JOIN ${opened.from} ${alias} ON ${alias}.${q(keyCol.name)} = base.${q(base.name)}`);
    const t = { alias, byLower: new Map(opened.columns.map((c) => [c.name.toLowerCase(), c])) };
    this.targets.set(key, t);
    return t;
  }

  /** The FROM clause: the table itself, or a subquery adding the lookup columns. */
  from(): string {
    if (!this.derived.size) return this.t.from;
    const extra = [...this.derived.values()].map((d) => `${d.expr} AS ${q(d.def.name)}`).join(', ');
    return `(SELECT base.*, ${extra} FROM ${this.t.from} base ${this.joins.join(' ')})`;
  }

  dispose(): void {
    for (const d of this.disposers) d();
  }
}