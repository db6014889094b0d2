import { scalarText, writtenText, type AuditRecord, type Report, type YEntry } from '../../report/model';
import { dayOf } from '../../report/schema';
import type { Fix } from '../../report/types';
import { appendToList, edit, insertField, replaceValue } from '../edits';
import { anchor, recordLabel, type Rule, type RuleContext } from '../rule';
import { unreadable } from '../unreadable';
import { hasEvidence } from './evidence-required';
import { isEmptyValue } from './PA006';
import { compareHash } from '../verdict';

const SHA256 = /^[0-9a-fA-F]{64}$/;

function each(ctx: RuleContext, fn: (r: AuditRecord, file: YEntry) => void): void {
  for (const r of ctx.report.records) {
    if (r.kind !== 'evidence') continue;
    const file = r.fields.get('file');
    if (file) fn(r, file);
  }
}

const fileSpan = (e: YEntry) => e.value?.span ?? e.keySpan;

export const PA020: Rule = {
  id: 'PA020',
  name: 'evidence-missing',
  defaultSeverity: 'error',
  description: 'An evidence file does not exist, or an evidence record names neither a file nor a URL.',
  fixable: true,
  needs: ['evidence'],
  check(ctx) {
    for (const r of ctx.report.records) {
      if (r.kind !== 'evidence') continue;
      const file = scalarText(r.fields.get('file'))?.trim();
      const url = scalarText(r.fields.get('url'))?.trim();
      if (file || url) continue;
      // picking a file needs the host (a file dialog, the workspace's files); the core can offer the other kind of source
      const fileEntry = r.fields.get('file');
      const fixes: Fix[] =
        fileEntry && isEmptyValue(fileEntry.value) && !r.fields.has('url')
          ? [{ title: 'Make it a web source: write `url:` instead of the empty `file:`', edits: [edit(ctx.report, fileEntry.keySpan, 'url')], placeholder: true }]
          : [];
      ctx.flag(anchor(r), `The ${recordLabel(r)} names neither a \`file\` nor a \`url\`.`, { fixes });
    }
    each(ctx, (r, file) => {
      const st = ctx.evidence.get(r);
      if (!st) return;
      const shown = scalarText(file);
      if (st.state === 'missing') ctx.flag(fileSpan(file), `Evidence file \`${shown}\` does not exist (paths are relative to the report's folder).`);
      else if (st.state === 'not-a-file') ctx.flag(fileSpan(file), `Evidence path \`${shown}\` is a folder, not a file.`);
      else if (st.state === 'error') ctx.flag(fileSpan(file), `Evidence file \`${shown}\` cannot be read: ${st.message}`);
    });
  },
};

export const PA021: Rule = {
  id: 'PA021',
  name: 'evidence-hash-mismatch',
  defaultSeverity: 'error',
  description: "An evidence file's sha256 differs from the recorded one.",
  fixable: true,
  needs: ['evidence'],
  check(ctx) {
    each(ctx, (r, file) => {
      const st = ctx.evidence.get(r);
      const entry = r.fields.get('sha256');
      const recorded = writtenText(ctx.report.text, entry)?.trim();
      if (st?.state !== 'ok' || !entry?.value || !recorded || !SHA256.test(recorded)) return;
      if (compareHash(recorded, st.sha256) === 'verified') return;
      ctx.flag(entry.value.span, `Evidence file \`${scalarText(file)}\` has changed since it was recorded: its sha256 is ${st.sha256}, the report records ${recorded}.`, {
        fixes: [
          {
            title: 'Record the current sha256 (accepts the changed file as evidence)',
            edits: [replaceValue(ctx.report, entry, st.sha256)],
            requiresConfirmation: `The evidence file ${scalarText(file)} no longer matches the hash recorded in the report. Recording the new hash accepts the changed file as evidence. Continue only if you know why it changed.`,
          },
        ],
      });
    });
  },
};

export const PA022: Rule = {
  id: 'PA022',
  name: 'evidence-hash-missing',
  defaultSeverity: 'warning',
  description: 'An evidence file without a recorded sha256.',
  fixable: true,
  needs: ['evidence'],
  check(ctx) {
    each(ctx, (r, file) => {
      const st = ctx.evidence.get(r);
      if (st?.state !== 'ok') return;
      const entry = r.fields.get('sha256');
      const recorded = writtenText(ctx.report.text, entry)?.trim();
      if (recorded && SHA256.test(recorded)) return;
      const title = `Record the sha256 of \`${scalarText(file)}\``;
      if (entry && recorded) {
        ctx.flag(entry.value!.span, `\`sha256\` must be 64 hexadecimal digits; the file's sha256 is ${st.sha256}.`, {
          fixes: [{ title, edits: [replaceValue(ctx.report, entry, st.sha256)], preferred: true }],
        });
      } else {
        ctx.flag(entry?.keySpan ?? fileSpan(file), `Evidence file \`${scalarText(file)}\` has no recorded sha256, so later changes to it cannot be detected.`, {
          fixes: [{ title, edits: [entry ? replaceValue(ctx.report, entry, st.sha256) : insertField(ctx.report, r, 'sha256', st.sha256)], preferred: true }],
        });
      }
    });
  },
};

export const PA023: Rule = {
  id: 'PA023',
  name: 'evidence-path-escape',
  defaultSeverity: 'error',
  description: 'An evidence path escapes the workspace.',
  fixable: false,
  needs: ['evidence'],
  check(ctx) {
    each(ctx, (r, file) => {
      const st = ctx.evidence.get(r);
      if (st?.state === 'escape') ctx.flag(fileSpan(file), `Evidence path \`${scalarText(file)}\` is not allowed: ${st.reason}. Evidence must stay inside the workspace.`);
    });
  },
};

/** How a record is shown in a fix's title: `flow F2 (→ api.example.com)`. */
function described(r: AuditRecord): string {
  const said = scalarText(r.fields.get(r.kind === 'flow' ? 'to' : 'action'))?.trim();
  if (!said) return recordLabel(r);
  return `${recordLabel(r)} (${r.kind === 'flow' ? '→ ' : ''}${said.length > 40 ? `${said.slice(0, 39)}…` : said})`;
}

/** The day a step or flow happened: its `date` or `first-seen`, or for a flow its step's `date`. */
function dayOfRecord(report: Report, r: AuditRecord): string | undefined {
  const own = dayOf(r.fields.get(r.kind === 'flow' ? 'first-seen' : 'date')?.value);
  if (own || r.kind !== 'flow') return own;
  const step = report.byId.get(scalarText(r.fields.get('step'))?.trim() ?? '');
  return step?.kind === 'step' ? dayOf(step.fields.get('date')?.value) : undefined;
}

/** At most this many "cite it from …" fixes per uncited evidence. */
const MAX_CITE_FIXES = 5;

/**
 * The steps and flows an uncited evidence record most likely belongs to, best
 * first: those without evidence that happened the day it was captured, then
 * the others without evidence, then the others of that day.
 */
function citers(report: Report) {
  const without: AuditRecord[] = [];
  const byDay = new Map<string, { without: AuditRecord[]; with: AuditRecord[] }>();
  for (const r of report.records) {
    if (r.kind !== 'step' && r.kind !== 'flow') continue;
    const none = !hasEvidence(r);
    if (none) without.push(r);
    const day = dayOfRecord(report, r);
    if (!day) continue;
    let d = byDay.get(day);
    if (!d) byDay.set(day, (d = { without: [], with: [] }));
    (none ? d.without : d.with).push(r);
  }
  return (captured: string | undefined): AuditRecord[] => {
    const day = captured ? byDay.get(captured) : undefined;
    const out = new Set<AuditRecord>();
    for (const list of [day?.without ?? [], without, day?.with ?? []]) {
      for (const r of list) {
        if (out.size >= MAX_CITE_FIXES) return [...out];
        out.add(r);
      }
    }
    return [...out];
  };
}

export const PA024: Rule = {
  id: 'PA024',
  name: 'evidence-uncited',
  defaultSeverity: 'info',
  description: 'An evidence record that nothing cites.',
  fixable: true,
  check(ctx) {
    const { report } = ctx;
    const cited = new Set<string>();
    for (const ref of report.references) cited.add(ref.id);
    for (const c of report.citations) cited.add(c.id);
    // a block that does not parse (PA002) may cite it
    for (const id of unreadable(report).mentioned) cited.add(id);
    let candidates: ReturnType<typeof citers> | undefined;
    for (const r of report.records) {
      if (r.kind !== 'evidence' || r.id === undefined || cited.has(r.id)) continue;
      candidates ??= citers(report);
      const fixes: Fix[] = [];
      for (const c of candidates(dayOf(r.fields.get('captured')?.value))) {
        const e = appendToList(report, c, 'evidence', r.id);
        if (e) fixes.push({ title: `Cite ${r.id} from ${described(c)}`, edits: [e] });
      }
      ctx.flag(anchor(r), `Evidence ${r.id} is never cited: reference it from a record or cite it in the text as [@${r.id}].`, { fixes });
    }
  },
};
