/**
 * What the export adds to, and reads from, the PDF that Chromium prints,
 * gathered from the modules that do it:
 *
 * - `appendInfo` (pdf-docinfo.ts): the document information (title, author,
 *   subject, keywords, creator, producer, dates) as an incremental update
 *   appended to the file; nothing Chromium wrote is rewritten.
 * - `destinationPages` (pdf-structure.ts): on which page each named
 *   destination (an element id that a link points to) landed, read from the
 *   catalog's `/Dests`. What the reader cannot read with certainty is
 *   refused with `PdfStructureError`, never guessed.
 * - `measureContents`/`fillContents` (contents-pages.ts): the page numbers
 *   of the contents, measured in the print page before printing.
 */
export { destinationPages, PdfStructureError } from './pdf-structure';
export { appendInfo, pdfDate, pdfTextString, type PdfInfo } from './pdf-docinfo';
export { CONTENTS_SLOT, fillContents, measureContents, pageContentBox, printViewport } from './contents-pages';
