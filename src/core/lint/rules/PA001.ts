import { parseCategories, parseLintSettings } from '../config';
import { scalarText, toPlain, type YEntry } from '../../report/model';
import { ENUMS, isIsoDate, REQUIRED_FRONT_MATTER } from '../../report/schema';
import type { Rule } from '../rule';
import { asPattern, compilePatterns } from '../../redact';
import { ALL_RULE_IDS } from '../ids';

/** Front matter missing, unparsable, or a required key missing or invalid. */
export const PA001: Rule = {
  id: 'PA001',
  name: 'front-matter',
  defaultSeverity: 'error',
  description: 'Front matter missing, unparsable, or a required key missing or invalid.',
  fixable: false,
  check(ctx) {
    const { report } = ctx;
    for (const p of report.problems) if (p.rule === 'PA001') ctx.flag(p.span, p.message);
    const fm = report.frontMatter;
    if (!fm?.map) return;
    const fields = fm.fields;
    const at = (e: YEntry) => e.value?.span ?? e.keySpan;
    const openLine = { start: fm.span.start, end: report.lines.lineEnd(report.lines.positionAt(fm.span.start).line) };
    // a key with an empty value counts as missing, and is reported once
    const present = (e: YEntry | undefined): e is YEntry & { value: NonNullable<YEntry['value']> } =>
      !!e?.value && !(e.value.type === 'scalar' && (e.value.value === null || e.value.value === ''));
    const missing = REQUIRED_FRONT_MATTER.filter((k) => !present(fields.get(k)));
    if (missing.length) {
      ctx.flag(openLine, `The front matter is missing required ${missing.length > 1 ? 'keys' : 'key'}: ${missing.map((k) => `\`${k}\``).join(', ')}.`);
    }
    const fmt = fields.get('audit-format');
    if (present(fmt) && !(fmt.value.type === 'scalar' && fmt.value.value === 1)) {
      ctx.flag(at(fmt), '`audit-format` must be the integer 1 (this tool reads version 1 of the format).');
    }
    for (const k of ['id', 'title'] as const) {
      const e = fields.get(k);
      if (present(e) && e.value.type !== 'scalar') ctx.flag(at(e), `\`${k}\` must be a single line of text.`);
    }
    const title = scalarText(fields.get('title'));
    if (title && /\n/.test(title.trim())) ctx.flag(at(fields.get('title')!), '`title` must be one line.');
    const status = fields.get('status');
    const st = scalarText(status);
    if (present(status) && (st === undefined || !(ENUMS.status as readonly string[]).includes(st))) {
      ctx.flag(at(status), `\`status\` must be one of ${ENUMS.status.join(', ')}.`);
    }
    const date = fields.get('date');
    const d = scalarText(date);
    if (present(date) && (d === undefined || !isIsoDate(d))) ctx.flag(at(date), '`date` must be an ISO date, e.g. 2014-10-24.');
    const auditors = fields.get('auditors');
    if (present(auditors)) {
      const v = auditors.value;
      const items = v.type === 'seq' ? v.items : [];
      const ok =
        v.type === 'seq' &&
        items.length > 0 &&
        items.every((i) => (i.type === 'scalar' && typeof i.value === 'string' && i.value.trim() !== '') || (i.type === 'map' && i.entries.some((e) => e.key === 'name')));
      if (!ok) ctx.flag(at(auditors), '`auditors` must be a non-empty list of names or of {name, org, contact}.');
    }
    const cls = fields.get('classification');
    const c = scalarText(cls);
    if (present(cls) && (c === undefined || !(ENUMS.classification as readonly string[]).includes(c))) {
      ctx.flag(at(cls), `\`classification\` must be one of ${ENUMS.classification.join(', ')}.`);
    }
    const redact = fields.get('redact');
    if (present(redact)) {
      const v = redact.value;
      const ok = v.type === 'seq' && v.items.every((i) => i.type === 'scalar' && i.value !== null && String(i.value) !== '');
      if (!ok) ctx.flag(at(redact), '`redact` must be a list of strings (or /regex/).');
      else {
        // the patterns only: the whole redaction (device blocks parsed again) is the export's business, not each lint's
        const patterns = v.items.flatMap((i) => asPattern(String((i as { value: unknown }).value), i.span) ?? []);
        for (const problem of compilePatterns(patterns).problems) ctx.flag(problem.span, problem.message);
      }
    }
    const cats = fields.get('categories');
    if (present(cats)) for (const msg of parseCategories(toPlain(cats.value)).errors) ctx.flag(at(cats), `Front matter ${msg}.`);
    const lint = fields.get('lint');
    if (present(lint)) for (const msg of parseLintSettings(toPlain(lint.value), ALL_RULE_IDS).errors) ctx.flag(at(lint), `Front matter: ${msg}.`);
  },
};
