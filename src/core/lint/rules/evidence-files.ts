import { scalarText, writtenText, type AuditRecord, type YEntry } from '../../model';
import { insertField, replaceValue } from '../edits';
import { anchor, label, type Rule, type RuleContext } from '../rule';
import { unreadable } from '../unreadable';

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
  fixable: false,
  check(ctx) {
    for (const r of ctx.report.records) {
      if (r.kind !== 'evidence') continue;
      const file = scalarText(r.fields.get('file'))?.trim();
      const url = scalarText(r.fields.get('url'))?.trim();
      if (!file && !url) ctx.report_(anchor(r), `The ${label(r)} names neither a \`file\` nor a \`url\`.`);
    }
    each(ctx, (r, file) => {
      const st = ctx.evidence.get(r);
      if (!st) return;
      const shown = scalarText(file);
      if (st.state === 'missing') ctx.report_(fileSpan(file), `Evidence file \`${shown}\` does not exist (paths are relative to the report's folder).`);
      else if (st.state === 'not-a-file') ctx.report_(fileSpan(file), `Evidence path \`${shown}\` is a folder, not a file.`);
      else if (st.state === 'error') ctx.report_(fileSpan(file), `Evidence file \`${shown}\` cannot be read: ${st.message}`);
    });
  },
};

export const PA021: Rule = {
  id: 'PA021',
  name: 'evidence-hash-mismatch',
  defaultSeverity: 'error',
  description: "An evidence file's sha256 differs from the recorded one.",
  fixable: true,
  check(ctx) {
    each(ctx, (r, file) => {
      const st = ctx.evidence.get(r);
      const entry = r.fields.get('sha256');
      const recorded = writtenText(ctx.report.text, entry)?.trim();
      if (st?.state !== 'ok' || !entry?.value || !recorded || !SHA256.test(recorded)) return;
      if (recorded.toLowerCase() === st.sha256) return;
      ctx.report_(entry.value.span, `Evidence file \`${scalarText(file)}\` has changed since it was recorded: its sha256 is ${st.sha256}, the report records ${recorded}.`, {
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
  check(ctx) {
    each(ctx, (r, file) => {
      const st = ctx.evidence.get(r);
      if (st?.state !== 'ok') return;
      const entry = r.fields.get('sha256');
      const recorded = writtenText(ctx.report.text, entry)?.trim();
      if (recorded && SHA256.test(recorded)) return;
      const title = `Record the sha256 of \`${scalarText(file)}\``;
      if (entry && recorded) {
        ctx.report_(entry.value!.span, `\`sha256\` must be 64 hexadecimal digits; the file's sha256 is ${st.sha256}.`, {
          fixes: [{ title, edits: [replaceValue(ctx.report, entry, st.sha256)], preferred: true }],
        });
      } else {
        ctx.report_(entry?.keySpan ?? fileSpan(file), `Evidence file \`${scalarText(file)}\` has no recorded sha256, so later changes to it cannot be detected.`, {
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
  check(ctx) {
    each(ctx, (r, file) => {
      const st = ctx.evidence.get(r);
      if (st?.state === 'escape') ctx.report_(fileSpan(file), `Evidence path \`${scalarText(file)}\` is not allowed: ${st.reason}. Evidence must stay inside the workspace.`);
    });
  },
};

export const PA024: Rule = {
  id: 'PA024',
  name: 'evidence-uncited',
  defaultSeverity: 'info',
  description: 'An evidence record that nothing cites.',
  fixable: false,
  check(ctx) {
    const cited = new Set<string>();
    for (const ref of ctx.report.references) cited.add(ref.id);
    for (const c of ctx.report.citations) cited.add(c.id);
    // a block that does not parse (PA002) may cite it
    for (const id of unreadable(ctx.report).mentioned) cited.add(id);
    for (const r of ctx.report.records) {
      if (r.kind === 'evidence' && r.id !== undefined && !cited.has(r.id)) {
        ctx.report_(anchor(r), `Evidence ${r.id} is never cited: reference it from a record or cite it in the text as [@${r.id}].`);
      }
    }
  },
};
