/** The rule registry, in catalogue order. Add a rule: write `rules/PAxxx.ts`, list it here and in `ids.ts`, and add `docs/rules/PAxxx.md`. */
import { RULE_IDS } from './ids';
import type { Rule } from './rule';
import { PA000 } from './rules/PA000';
import { PA001 } from './rules/PA001';
import { PA002 } from './rules/PA002';
import { PA003 } from './rules/PA003';
import { PA004 } from './rules/PA004';
import { PA005 } from './rules/PA005';
import { PA006 } from './rules/PA006';
import { PA007 } from './rules/PA007';
import { PA010 } from './rules/PA010';
import { PA011, PA012, PA013 } from './rules/evidence-required';
import { PA014 } from './rules/PA014';
import { PA020, PA021, PA022, PA023, PA024 } from './rules/evidence-files';
import { PA030 } from './rules/PA030';
import { PA031 } from './rules/PA031';
import { PA032 } from './rules/PA032';
import { PA033 } from './rules/PA033';
import { PA040 } from './rules/PA040';
import { PA041 } from './rules/PA041';
import { PA042 } from './rules/PA042';
import { PA050 } from './rules/PA050';
import { PA051 } from './rules/PA051';
import { PA052 } from './rules/PA052';
import { PA053 } from './rules/PA053';
import { PA054 } from './rules/PA054';

export const RULES: readonly Rule[] = [
  PA000, PA001, PA002, PA003, PA004, PA005, PA006, PA007,
  PA010, PA011, PA012, PA013, PA014,
  PA020, PA021, PA022, PA023, PA024,
  PA030, PA031, PA032, PA033,
  PA040, PA041, PA042,
  PA050, PA051, PA052, PA053, PA054,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));

if (RULES.length !== RULE_IDS.length || RULES.some((r, i) => r.id !== RULE_IDS[i])) {
  throw new Error('lint/index.ts and lint/ids.ts list different rules');
}
