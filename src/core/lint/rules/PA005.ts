import { kindOfId, type RecordKind } from '../../model';
import { appendStub } from '../edits';
import type { Rule } from '../rule';
import { unreadable } from '../unreadable';

const article = (k: string) => (/^[aeiou]/.test(k) ? 'an' : 'a');

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
    for (const ref of [...report.references, ...report.citations]) {
      const target = report.byId.get(ref.id);
      const where = ref.field === 'citation' ? 'cited' : `referenced in \`${ref.field}\``;
      if (!target) {
        if (defined.has(ref.id)) continue;
        // offer a stub of the kind the reference expects (or that the id's style names)
        const styled = kindOfId(ref.id);
        const kind: RecordKind | undefined = styled && ref.expected.includes(styled) ? styled : ref.expected.length === 1 ? ref.expected[0] : undefined;
        const fixes =
          kind && kindOfId(ref.id) === kind && !stubbed.has(ref.id)
            ? [{ title: `Add ${article(kind)} ${kind} record \`${ref.id}\` at the end of the report`, edits: [appendStub(report, kind, ref.id)] }]
            : undefined;
        if (fixes) stubbed.add(ref.id);
        ctx.report_(ref.idSpan, `\`${ref.id}\` is ${where} but no record has this id.`, { fixes });
      } else if (!ref.expected.includes(target.kind)) {
        ctx.report_(ref.idSpan, `\`${ref.id}\` is ${article(target.kind)} ${target.kind}, but \`${ref.field}\` must name ${ref.expected.map((k) => `${article(k)} ${k}`).join(' or ')}.`);
      }
    }
  },
};
