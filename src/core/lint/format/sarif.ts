import { RULES } from '../../lint';
import { docsUrl } from '../rule';
import type { Severity } from '../../report/types';
import type { FileResult } from './types';
import { escapeJson } from './visible';

/** A relative path as a URI reference: every segment percent-encoded (`#`, `?`, `%`, spaces). */
const uriOf = (p: string) => p.split('/').map(encodeURIComponent).join('/');

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  toolVersion: string;
  /** Absolute path of the workspace root; result paths are relative to it. */
  root: string;
}

/** `--format sarif`: a SARIF 2.1.0 log with rule metadata and help links, ready for code-scanning uploads; no raw control character (see `escapeJson`). */
export function formatSarif(files: readonly FileResult[], opts: SarifOptions): string {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const rootUri = `file://${opts.root.replace(/\\/g, '/').replace(/^([^/])/, '/$1').replace(/\/?$/, '/')}`;
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'privacy-audit',
            informationUri: 'https://github.com/privacy-audit/privacy-audit',
            version: opts.toolVersion,
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              helpUri: docsUrl(r.id),
              help: { text: `${r.description} See ${docsUrl(r.id)}`, markdown: `${r.description}\n\n[Rule documentation](${docsUrl(r.id)})` },
              defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
              properties: { tags: ['privacy', 'audit'], fixable: r.fixable },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: encodeURI(rootUri) } },
        columnKind: 'utf16CodeUnits',
        artifacts: files.map((f) => ({ location: { uri: uriOf(f.path), uriBaseId: '%SRCROOT%' }, mimeType: 'text/markdown' })),
        results: files.flatMap((f, fileIndex) =>
          f.diagnostics.map((d) => ({
            ruleId: d.rule,
            ruleIndex: ruleIndex.get(d.rule) ?? -1,
            level: LEVEL[d.severity],
            message: { text: d.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: uriOf(f.path), uriBaseId: '%SRCROOT%', index: fileIndex },
                  region: {
                    startLine: d.range.start.line + 1,
                    startColumn: d.range.start.character + 1,
                    endLine: d.range.end.line + 1,
                    endColumn: d.range.end.character + 1,
                  },
                },
              },
            ],
          })),
        ),
      },
    ],
  };
  return escapeJson(JSON.stringify(log, null, 2));
}
