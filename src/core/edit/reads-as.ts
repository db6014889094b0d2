/**
 * What the form sends back unchanged: it shows numbers, dates and
 * identifiers as written and sends them as strings, so a value that reads as
 * what a node holds is no change (and keeps its text).
 */
import type { ListItem } from '../protocol';
import { toPlain, type YNode } from '../report/model';
import { isStringMap, sameValue } from './serialize';

/**
 * True when the string `sent` is what `node` already holds as the form shows
 * it (and sends it back unchanged): the string itself; a number, true/false
 * or date as written (`2014`, `0x1F`) or as read (`31`); nothing or a null
 * value as ''; a list or mapping as '' or as its JSON.
 */
export function readsAs(text: string, node: YNode | null, sent: string): boolean {
  if (!node || (node.type === 'scalar' && node.value === null)) return sent === '';
  if (node.type === 'scalar') return typeof node.value === 'string' ? node.value === sent : sent === text.slice(node.span.start, node.span.end).trim() || sent === String(node.value);
  return sent === '' || sent === JSON.stringify(toPlain(node));
}

/** True when a list item sent by the form is what `node` already holds (see `readsAs`; a mapping's keys in the same order). */
export function itemReadsAs(text: string, node: YNode, item: ListItem): boolean {
  if (sameValue(toPlain(node), item)) return true;
  if (typeof item === 'string') return node.type === 'scalar' && node.value !== null && readsAs(text, node, item);
  if (!isStringMap(item) || node.type !== 'map') return false;
  const keys = Object.keys(item);
  return node.entries.length === keys.length && node.entries.every((e, i) => e.key === keys[i] && readsAs(text, e.value, item[e.key]!));
}
