/**
 * What an export is asked (`ExporterOptions` for the exporter, `ExportOptions`
 * for one report), what it gives back (`ExportResult`), and what a printed
 * report may ask of the browser (`PRINT_LIMITS`).
 */
import type { ProjectConfig } from '../core/lint/config';
import type { Paper } from '../core/present/document';
import { ExportInputError } from './export-errors';

export type ExportStage = 'launch' | 'lint' | 'diagrams' | 'render' | 'print' | 'write';

export interface ExporterOptions {
  /** Browser executable (setting `privacyAudit.export.browserPath`, `--browser`); found automatically when absent. */
  browserPath?: string;
  /** The mermaid UMD bundle; default `require.resolve('mermaid/dist/mermaid.min.js')`. */
  mermaidPath?: string;
  /** Folder holding report.css and export.css; default: the repository's (or the bundle's) `media/`. */
  mediaDir?: string;
  /** Shown in the document (`Privacy Audit 0.1.0`). */
  generator?: string;
  /** Who asks: the messages name `--browser` (`cli`, the default) or the setting `privacyAudit.export.browserPath` (`vscode`). */
  host?: 'cli' | 'vscode';
  /** Folder of drawn diagrams kept between exports (see diagram-cache.ts); `null` turns the cache off. Default: the user's cache folder. */
  diagramCacheDir?: string | null;
}

export interface ExportOptions {
  /** The report's text (the editor's buffer may differ from the file on disk). */
  text: string;
  /** Absolute path of the report; evidence paths are relative to its folder. */
  filePath: string;
  /** The workspace root that evidence may not leave (default: the report's folder). */
  root?: string;
  config?: ProjectConfig;
  /** How a path is named in a message (default: its file name). */
  shownPath?: (p: string) => string;
  /** Where to write the PDF. */
  pdf?: string;
  /** Where to write the self-contained HTML file. */
  html?: string;
  /** Default `a4`. */
  paper?: Paper;
  /** Extra CSS appended after the report's styles. Pass it only from a trusted workspace. */
  extraCss?: string;
  signal?: AbortSignal;
  onProgress?: (stage: ExportStage, message: string) => void;
  /** For reproducible output in tests; default now. */
  now?: Date;
  /**
   * Running header and footer as CSS page-margin boxes (`true`) or as
   * Chromium header/footer templates (`false`). Default: margin boxes when
   * the browser is Chromium 131 or newer.
   */
  marginBoxes?: boolean;
}

export interface ExportTimings {
  /** Browser start and mermaid load (0 when the exporter was warm). */
  launch: number;
  lint: number;
  /** Mermaid: both diagrams to sanitised SVG. */
  diagrams: number;
  /** Report HTML and the export document. */
  render: number;
  /** `setContent` of the final HTML (0 without a PDF). */
  load: number;
  /** `page.pdf()` (0 without a PDF). */
  pdf: number;
  write: number;
  total: number;
}

export interface ExportResult {
  title: string;
  /** Lint errors in the report (the document says so too). */
  errors: number;
  pdf?: { path: string; bytes: number; pages: number };
  html?: { path: string; bytes: number };
  /** Requests the diagram and print pages tried to make; all were aborted. */
  blockedRequests: number;
  /** Things the user should know: a diagram that could not be drawn, and the like. */
  warnings: string[];
  evidence: { records: number; files: number; verified: number };
  timings: ExportTimings;
  /** The browser that was used. */
  browser: { path: string; version: string };
}

/**
 * What one report may ask of the printer. Chromium's memory grows with the
 * document (measured by bench/export-memory.ts: about 0.6 GiB a MiB of HTML
 * on top of 1.3 GiB idle), so a PDF is refused, with the reason, past these.
 * An HTML export has no such limit.
 */
export const PRINT_LIMITS = {
  /** Records (flows, steps, evidence …) in one printed report. */
  maxRecords: 5000,
  /** Characters of the final HTML document. */
  maxHtmlChars: 8 * 1024 * 1024,
};

/** Refuses a PDF that asks too much of the printer, saying what (see PRINT_LIMITS). */
export function tooMuchToPrint(what: string): never {
  throw new ExportInputError(`Not printed: the report asks too much of the printer, ${what}. Split it into several reports, or export HTML only.`);
}
