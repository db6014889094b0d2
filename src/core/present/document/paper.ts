/** Paper sizes of the export (types and sizes only: the document's parts share them). */

export type Paper = 'a4' | 'letter';
export const PAPERS: readonly Paper[] = ['a4', 'letter'];

/** Page width and height in millimetres. */
export const PAPER_SIZE: Record<Paper, { w: number; h: number; css: string; label: string }> = {
  a4: { w: 210, h: 297, css: 'A4', label: 'A4' },
  letter: { w: 215.9, h: 279.4, css: 'letter', label: 'US Letter' },
};
