/** The export pipeline as the extension loads it (dist/exportEngine.js, required on first export). */
export { Exporter, ExportCancelledError, ExportInputError, type ExportResult, type ExportStage } from '../node/export';

import * as path from 'node:path';
import { parseReport } from '../core/report/parse';
import { maskFileName, redactorFor } from '../core/redact';

/** Where an export goes by default: beside the report, its name masked with the report's own redaction. */
export function defaultExportPath(reportPath: string, text: string, format: 'pdf' | 'html'): string {
  const base = path.basename(reportPath).replace(/\.audit\.md$/i, '').replace(/\.md$/i, '') || 'report';
  return path.join(path.dirname(reportPath), `${maskFileName(base, redactorFor(parseReport(text)))}.${format}`);
}
