/**
 * The `yaml` package's error messages ("Unexpected scalar at node end",
 * "Nested mappings are not allowed in compact mappings") said in words an
 * analyst understands, with what to do. Messages of the parser's own
 * (unclosed or empty blocks, aliases, limits) are already written that way
 * and are kept.
 */
import type { Report } from '../report/model';
import type { Span } from '../report/types';

/** The text from `span.start` to the end of its line, shortened for a message. */
function restOfLine(report: Report, span: Span): string {
  const line = report.lines.positionAt(span.start).line;
  // without a comment at the end of the line
  const rest = report.text.slice(span.start, report.lines.lineEnd(line)).replace(/(?:^|\s+)#.*$/, '').trimEnd();
  return rest.length > 40 ? `${rest.slice(0, 39)}…` : rest;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** The text where the problem is, as code, or `fallback` when the line has none left. */
const what = (report: Report, span: Span, fallback: string) => {
  const rest = restOfLine(report, span);
  return rest ? code(rest) : fallback;
};

type Say = (m: RegExpExecArray, report: Report, span: Span) => string;

const SAYINGS: [RegExp, Say][] = [
  [/^Unexpected scalar at node end/, (_m, r, s) => `${what(r, s, 'Text')} cannot follow the value before it on this line; delete it (a stray comma?), or put the whole value in quotes.`],
  [/^Flow sequence .*end with a \]/, () => 'A list opened with `[` is not closed: end it with `]` on the same line (a list over several lines must indent its continuation lines).'],
  [/^Flow map .*end with a \}/, () => 'A mapping opened with `{` is not closed: end it with `}`.'],
  [/^Unexpected (?:flow-seq-end|flow-map-end) token/, () => 'A closing `]` or `}` has no opening bracket: delete it.'],
  [
    /^Nested mappings are not allowed in compact mappings/,
    (_m, r, s) =>
      /:\s/.test(restOfLine(r, s))
        ? 'A value holds `: ` (a colon and a space), which YAML reads as the start of another field: write one field per line, or put the value in quotes.'
        : 'The next line is indented further than this field: the fields of one record start at the same column.',
  ],
  [/^(?:Implicit keys need to be on a single line|Implicit map keys need to be followed by map values)/, () => 'This line is neither `field: value` nor a list item: is the `:` after the field name missing, or is the line above unfinished?'],
  [/^Missing closing (["'])quote/, (m) => `A value opened with ${m[1] === '"' ? 'a double quote (`"`)' : "a single quote (`'`)"} is not closed: add the closing quote at the end of the value.`],
  [/^Tabs are not allowed as indentation/, () => 'A tab indents this line: YAML needs spaces.'],
  [/^(?:Sequence item without - indicator|All mapping items must start at the same column)/, () => 'This line is indented differently from the fields above it: the fields of one record start at the same column.'],
  [/^A block sequence may not be used as an implicit map key/, () => 'A list item (`- `) where a field was expected: indent it under its field, or start each record with `- ` at the same column.'],
  [/^Unexpected block-seq-ind/, () => 'A list item (`- `) where a field value was expected: put the list on the lines below its field, or write it as `[a, b]`.'],
  [/^Unexpected , in flow/, () => 'An empty item in a list: two commas in a row, or a comma right after the opening bracket.'],
  [/^Plain value cannot start with (?:reserved character|directive indicator character) (\S)/, (m) => `A value cannot start with ${code(m[1]!)} unless it is in quotes.`],
  [/^Invalid escape sequence (\S*)/, (m) => `${code(m[1]!)} is not a valid escape inside double quotes: use single quotes, or write the backslash twice.`],
  [/^Comments must be separated from other tokens by white space/, () => 'A `#` right after a value: a comment needs a space before the `#`, and a `#` that belongs to the value needs quotes around the value.'],
  [/^Map keys must be unique/, (_m, r, s) => `The field ${code(/^[^:\n]*/.exec(restOfLine(r, s))![0].trim() || '?')} appears twice in one record: keep one (only one of the two values could count).`],
  [/^Unexpected (\S+) token in YAML stream/, (_m, r, s) => `${what(r, s, 'This text')} does not belong to any field: is a line above unfinished, or indented wrongly?`],
];

/**
 * Where an unclosed quote was opened: the last such quote before where the
 * reader gave up (it reads on to the end of the block looking for the close).
 */
function openingQuote(report: Report, span: Span, quote: string, from: number): Span {
  const at = report.text.lastIndexOf(quote, span.start);
  return at >= from ? { start: at, end: at + 1 } : span;
}

/**
 * The message of a PA002 problem for an analyst, and where to show it. A YAML
 * syntax error becomes "The `flow` block is not valid YAML: …" with what went
 * wrong in plain words; `blockStart` is where the block's YAML starts.
 */
export function plainYamlMessage(message: string, kind: string, report: Report, span: Span, blockStart: number): { message: string; span: Span } {
  for (const [re, say] of SAYINGS) {
    const m = re.exec(message);
    if (!m) continue;
    const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
    return {
      message: `The \`${kind}\` block is not valid YAML, so its records are left out until it is fixed. ${say(m, report, span)}`,
      span: quote ? openingQuote(report, span, quote, blockStart) : span,
    };
  }
  // the parser's own messages (unclosed, empty, not a record, aliases, limits) are already plain
  if (/\.$/.test(message) || /^(?:YAML|Keys )/.test(message)) return { message: /\.$/.test(message) ? message : `${message}.`, span };
  return { message: `The \`${kind}\` block is not valid YAML, so its records are left out until it is fixed. The YAML reader says: ${message}.`, span };
}
