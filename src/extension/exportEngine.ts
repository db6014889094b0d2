/** The export pipeline as the extension loads it (dist/export.js, required on first export). */
export { Exporter, ExportCancelledError, ExportInputError, type ExportResult, type ExportStage } from '../node/export';
