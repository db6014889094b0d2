import { ID_PREFIX, kindOfId, type AuditRecord, type RecordKind, type Reference, type Report } from '../../report/model';
import { editDistance } from '../../report/taxonomy';
import type { Fix } from '../../report/types';
import { appendStub, edit } from '../edits';
import type { Rule } from '../rule';
import { unreadable } from '../unreadable';

const article = (k: string) => (/^[aeiou]/.test(k) ? 'an' : 'a');
const numberOf = (id: string) => Number(/\d+$/.exec(id)?.[0] ?? NaN);

/** Ids a reference list holds, by record and field (an id already listed is not suggested: the change would repeat it). */
function listedIds(report: Report): Map<AuditRecord, Map<string, Set<string>>> {
  const out = new Map<AuditRecord, Map<string, Set<string>>>();
  for (const ref of report.references) {
    if (!ref.from) continue;
    let fields = out.get(ref.from);
    if (!fields) out.set(ref.from, (fields = new Map()));
    let ids = fields.get(ref.field);
    if (!ids) fields.set(ref.field, (ids = new Set()));
    ids.add(ref.id);
  }
  return out;
}

/** Comparisons of ids one lint may spend on "did you mean" (a hostile report can hold 100,000s of undefined references). */
const SUGGESTION_BUDGET = 200_000;

/**
 * The existing ids of the kind `ref` means (or may name) that are closest to
 * what it says (`E2` for `E22`), best first: within two edits, nearest number
 * first; none of `listed`.
 */
function closestIds(ref: Reference, byKind: ReadonlyMap<RecordKind, string[]>, listed: ReadonlySet<string> | undefined, budget: { left: number }): string[] {
  // an id written in a kind's style (`E99`, even in a citation that may name any kind) means that kind
  const styled = kindOfId(ref.id);
  const kinds = styled && ref.expected.includes(styled) ? [styled] : ref.expected;
  const found: { id: string; d: number; n: number }[] = [];
  for (const kind of kinds) {
    const ids = byKind.get(kind) ?? [];
    if ((budget.left -= ids.length) < 0) return [];
    for (const id of ids) {
      if (listed?.has(id) || id === ref.id) continue;
      const d = editDistance(ref.id.toUpperCase(), id.toUpperCase(), 2);
      // a one-character id is close to every other one: only a case slip counts then
      if (d > 2 || d >= Math.max(ref.id.length, id.length)) continue;
      found.push({ id, d, n: Math.abs(numberOf(id) - numberOf(ref.id)) || 0 });
    }
  }
  found.sort((a, b) => a.d - b.d || a.n - b.n);
  return found.slice(0, 2).map((f) => f.id);
}

/** A reference or citation to an id that is not defined, or is of the wrong kind. */
export const PA005: Rule = {
  id: 'PA005',
  name: 'undefined-reference',
  defaultSeverity: 'error',
  description: 'A reference or prose citation names an id that is not defined, or a record of the wrong kind.',
  fixable: true,
  check(ctx) {
    const { report } = ctx;
    const stubbed = new Set<string>();
    // a block that does not parse (PA002) defines none of its records: do not report them as missing too
    const { defined } = unreadable(report);
    let byKind: Map<RecordKind, string[]> | undefined;
    let listed: ReturnType<typeof listedIds> | undefined;
    const budget = { left: SUGGESTION_BUDGET };
    for (const ref of [...report.references, ...report.citations]) {
      const target = report.byId.get(ref.id);
      const where = ref.field === 'citation' ? 'cited' : `referenced in \`${ref.field}\``;
      if (target && ref.expected.includes(target.kind)) continue;
      if (!target && defined.has(ref.id)) continue;
      // first the ids that were probably meant, then (for an undefined id) a stub of the kind the reference expects
      if (!byKind) {
        byKind = new Map();
        for (const [id, r] of report.byId) (byKind.get(r.kind) ?? byKind.set(r.kind, []).get(r.kind)!).push(id);
        listed = listedIds(report);
      }
      const near = closestIds(ref, byKind, ref.from && listed!.get(ref.from)?.get(ref.field), budget);
      const fixes: Fix[] = near.map((id) => ({ title: `Change \`${ref.id}\` to \`${id}\` (${report.byId.get(id)!.kind})`, edits: [edit(report, ref.idSpan, id)] }));
      const hint = near.length ? ` Did you mean \`${near[0]}\`?` : '';
      if (!target) {
        const styled = kindOfId(ref.id);
        const kind: RecordKind | undefined = styled && ref.expected.includes(styled) ? styled : ref.expected.length === 1 ? ref.expected[0] : undefined;
        if (kind && kindOfId(ref.id) === kind && !stubbed.has(ref.id)) {
          fixes.push({ title: `Add ${article(kind)} ${kind} record \`${ref.id}\` at the end of the report`, edits: [appendStub(report, kind, ref.id)] });
          stubbed.add(ref.id);
        }
        ctx.flag(ref.idSpan, `\`${ref.id}\` is ${where} but no record has this id.${hint}`, { fixes });
      } else {
        const kinds = ref.expected.map((k) => `${article(k)} ${k} (${ID_PREFIX[k]}…)`).join(' or ');
        ctx.flag(ref.idSpan, `\`${ref.id}\` is ${article(target.kind)} ${target.kind}, but \`${ref.field}\` must name ${kinds}.${hint}`, { fixes });
      }
    }
  },
};
