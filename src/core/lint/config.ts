/**
 * Project configuration (`.privacy-audit.yaml` at the workspace root) and the
 * per-report `lint:` overrides. The editor and the command line read the same
 * file through `parseConfig`.
 */
import { parse as parseYamlValue } from 'yaml';
import type { CategoryInput, Sensitivity } from '../report/taxonomy';
import type { SeveritySetting } from '../report/types';

export const CONFIG_FILE = '.privacy-audit.yaml';

export interface ProjectConfig {
  /** Rule id → severity. */
  lint: Record<string, SeveritySetting>;
  categories: CategoryInput[];
  /** Folder, relative to a report's folder, where the editor's Add Evidence command puts new evidence files. */
  evidenceRoot: string;
}

export const DEFAULT_CONFIG: ProjectConfig = { lint: {}, categories: [], evidenceRoot: 'evidence' };

const SEVERITIES = new Set(['off', 'info', 'warning', 'error']);
const SENSITIVITIES = new Set(['high', 'medium', 'low']);

export function isSeveritySetting(v: unknown): v is SeveritySetting {
  return typeof v === 'string' && SEVERITIES.has(v);
}

/** Validates a `lint:` mapping; returns the settings and one message per bad entry. */
export function parseLintSettings(value: unknown, knownRules: ReadonlySet<string>): { settings: Record<string, SeveritySetting>; errors: string[] } {
  const settings: Record<string, SeveritySetting> = {};
  const errors: string[] = [];
  if (value === undefined || value === null) return { settings, errors };
  if (typeof value !== 'object' || Array.isArray(value)) return { settings, errors: ['`lint` must be a mapping of rule ids to off, info, warning or error'] };
  for (const [rule, sev] of Object.entries(value as Record<string, unknown>)) {
    const id = rule.toUpperCase();
    if (!knownRules.has(id)) errors.push(`unknown rule \`${rule}\` in \`lint\``);
    else if (sev === false) settings[id] = 'off';
    else if (!isSeveritySetting(sev)) errors.push(`\`${rule}\` must be off, info, warning or error`);
    else settings[id] = sev;
  }
  return { settings, errors };
}

/** Validates a `categories:` list. */
export function parseCategories(value: unknown): { categories: CategoryInput[]; errors: string[] } {
  const categories: CategoryInput[] = [];
  const errors: string[] = [];
  if (value === undefined || value === null) return { categories, errors };
  if (!Array.isArray(value)) return { categories, errors: ['`categories` must be a list of {id, label, sensitivity}'] };
  value.forEach((c, i) => {
    if (!c || typeof c !== 'object' || Array.isArray(c)) {
      errors.push(`categories[${i}] must be a mapping with id, label and sensitivity`);
      return;
    }
    const o = c as Record<string, unknown>;
    if (typeof o.id !== 'string' || o.id.trim() === '') {
      errors.push(`categories[${i}] needs an \`id\``);
      return;
    }
    if (o.sensitivity !== undefined && !SENSITIVITIES.has(String(o.sensitivity))) {
      errors.push(`categories[${i}].sensitivity must be high, medium or low`);
      return;
    }
    const aliases = Array.isArray(o.aliases) ? o.aliases.filter((a): a is string => typeof a === 'string') : [];
    categories.push({
      id: o.id.trim(),
      label: typeof o.label === 'string' ? o.label : undefined,
      sensitivity: o.sensitivity as Sensitivity | undefined,
      aliases,
    });
  });
  return { categories, errors };
}

/** Parses the text of a `.privacy-audit.yaml`. Errors are readable sentences; the config keeps what was valid. */
export function parseConfig(text: string, knownRules: ReadonlySet<string>): { config: ProjectConfig; errors: string[] } {
  let raw: unknown;
  try {
    raw = parseYamlValue(text, { maxAliasCount: 50, prettyErrors: false });
  } catch (err) {
    return { config: { ...DEFAULT_CONFIG }, errors: [`not valid YAML: ${(err as Error).message}`] };
  }
  if (raw === null || raw === undefined) return { config: { ...DEFAULT_CONFIG }, errors: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { config: { ...DEFAULT_CONFIG }, errors: ['the configuration must be a YAML mapping'] };
  const o = raw as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of Object.keys(o)) {
    if (!['lint', 'rules', 'categories', 'evidence-root'].includes(key)) errors.push(`unknown key \`${key}\` (known: lint, categories, evidence-root)`);
  }
  const lint = parseLintSettings(o.lint ?? o.rules, knownRules);
  const cats = parseCategories(o.categories);
  let evidenceRoot = DEFAULT_CONFIG.evidenceRoot;
  if (o['evidence-root'] !== undefined) {
    const v = o['evidence-root'];
    if (typeof v !== 'string' || v.trim() === '' || v.startsWith('/') || v.includes('..') || v.includes('\\')) {
      errors.push('`evidence-root` must be a folder relative to the report, inside the workspace, e.g. `evidence`');
    } else evidenceRoot = v.replace(/\/+$/, '');
  }
  return { config: { lint: lint.settings, categories: cats.categories, evidenceRoot }, errors: [...errors, ...lint.errors, ...cats.errors] };
}
