/**
 * Near-miss markers of the fixtures: `# near-miss: PA010` in YAML,
 * `<!-- near-miss: PA005 -->` in prose (`near-miss@N:` for line N) mark a
 * line written to look like that rule's trigger, on which the rule must not
 * fire. They are a rule's negative cases, as `expect:` markers are its
 * positive ones, and read the same way.
 */
import { expectedOf } from './markers';

/** `RULE@LINE` (1-based) for every near-miss marker of a text, sorted. */
export function nearMissesOf(text: string): string[] {
  // the expect markers read as something else, the near-miss markers as expect markers (lines stay where they are)
  return expectedOf(text.replace(/((?:#|<!--)\s*)expect\b/g, '$1(expect)').replace(/((?:#|<!--)\s*)near-miss\b/g, '$1expect'));
}
