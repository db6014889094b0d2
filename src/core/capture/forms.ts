/**
 * The normal forms of a canary: the ways an app may write the same value
 * before any encoding. An IMEI with or without its check digit, a phone
 * number as E.164 with or without `+`, with `00`, national, spaced or not, a
 * MAC address with `:`, `-` or nothing, identifiers in either case.
 *
 * Phone numbers are read with libphonenumber-js (Google's metadata), so
 * "national" means what that country's numbering plan says it is.
 */

import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { luhnDigit } from '../report/luhn';
import type { Canary } from './types';

export interface Form {
  /** The text searched for. */
  text: string;
  /** How it was derived from the value as written: `as written`, `E.164`, `national`, `without check digit` … */
  form: string;
  /** Searched without regard to case (hex identifiers, e-mail addresses, MAC addresses). */
  caseless?: boolean;
  /**
   * A layout an app writes as text but hardly ever encodes or hashes (`+86 138 0013 8000`
   * spaced as an international number, a MAC in dotted groups): searched as text, percent-
   * encoded and JSON-escaped, not as base64, hex or a digest, which keeps the needle set small.
   */
  textOnly?: boolean;
}

/** Forms searched as text only (see `Form.textOnly`). */
const TEXT_ONLY = new Set(['international with 00', 'national format', 'national, digits only', 'international format', 'international, dashes', 'country code and national number', 'MAC with dashes', 'MAC in dotted groups', 'latitude, longitude', 'longitude,latitude']);

/** Forms shorter than this are not searched: too many chance matches. */
export const MIN_FORM_LENGTH = 6;

const PHONE_CATEGORIES = new Set(['phone-number', 'contacts', 'sms-metadata', 'call-log']);
const DIGIT_CATEGORIES = new Set(['imei', 'meid', 'imsi', 'iccid']);
const HEXLIKE_CATEGORIES = new Set(['advertising-id', 'android-id', 'serial-number', 'meid']);

const looksLikePhone = (v: string) => /^\+?[\d\s().\-/]{6,24}$/.test(v) && (v.match(/\d/g)?.length ?? 0) >= 7 && (v.match(/\d/g)?.length ?? 0) <= 15;


function phoneForms(value: string, add: (text: string, form: string) => void): void {
  const digits = value.replace(/\D/g, '');
  add(digits, 'digits only');
  const parsed = value.trim().startsWith('+') || value.trim().startsWith('00') ? parsePhoneNumberFromString(value.trim().replace(/^00/, '+')) : undefined;
  if (!parsed) return;
  const e164 = parsed.number; // +8613800138000
  add(e164, 'E.164');
  add(e164.slice(1), 'E.164 without +');
  add(`00${e164.slice(1)}`, 'international with 00');
  add(parsed.nationalNumber, 'national number');
  const national = parsed.formatNational();
  add(national, 'national format');
  add(national.replace(/\D/g, ''), 'national, digits only');
  const intl = parsed.formatInternational();
  add(intl, 'international format');
  add(intl.replace(/\s/g, '-'), 'international, dashes');
  add(`+${parsed.countryCallingCode} ${parsed.nationalNumber}`, 'country code and national number');
}

function macForms(hex: string, add: (text: string, form: string) => void): void {
  const pairs = hex.match(/../g)!;
  add(pairs.join(':'), 'MAC with colons');
  add(pairs.join('-'), 'MAC with dashes');
  add(hex, 'MAC without separators');
  add(hex.match(/..../g)!.join('.'), 'MAC in dotted groups');
}

/**
 * Every normal form of one canary, the value as written first. Forms are
 * unique (case-insensitively for caseless ones) and at least
 * `MIN_FORM_LENGTH` long.
 */
export function formsOf(canary: Pick<Canary, 'value' | 'categoryId'>): Form[] {
  const out: Form[] = [];
  const seen = new Set<string>();
  // letters are searched in either case: apps upper-case hex ids, lower-case e-mail addresses
  const add = (text: string, form: string) => {
    const t = text.trim();
    if (t.length < MIN_FORM_LENGTH) return;
    const caseless = /[a-z]/i.test(t);
    const key = caseless ? t.toLowerCase() : t;
    if (seen.has(key) || seen.has(t.toLowerCase())) return;
    seen.add(key);
    const f: Form = { text: t, form };
    if (caseless) f.caseless = true;
    if (TEXT_ONLY.has(form)) f.textOnly = true;
    out.push(f);
  };
  const value = canary.value.trim();
  const id = canary.categoryId;
  const hexish = /^[0-9a-fA-F-]+$/.test(value) && /[a-fA-F]/.test(value);
  add(value, 'as written');

  const compactHex = value.replace(/[:\-. ]/g, '');
  if ((id === 'mac-address' || /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(value)) && /^[0-9a-f]{12}$/i.test(compactHex)) {
    macForms(compactHex.toLowerCase(), add);
  } else if ((id !== undefined && PHONE_CATEGORIES.has(id)) || (value.startsWith('+') && looksLikePhone(value))) {
    if (looksLikePhone(value)) phoneForms(value, add);
  } else if (id !== undefined && DIGIT_CATEGORIES.has(id) && /^[\d\s\-./]+$/.test(value)) {
    const digits = value.replace(/\D/g, '');
    add(digits, 'digits only');
    if (id === 'imei' && digits.length === 15) add(digits.slice(0, 14), 'without check digit');
    if (id === 'imei' && digits.length === 14) add(digits + luhnDigit(digits), 'with check digit');
  } else if (hexish || (id !== undefined && HEXLIKE_CATEGORIES.has(id))) {
    if (value.includes('-')) add(value.replace(/-/g, ''), 'without dashes');
  } else if (/^-?\d{1,3}\.\d+\s*,\s*-?\d{1,3}\.\d+$/.test(value)) {
    const [lat, lon] = value.split(',').map((s) => s.trim());
    add(`${lat},${lon}`, 'latitude,longitude');
    add(`${lat}, ${lon}`, 'latitude, longitude');
    add(`${lon},${lat}`, 'longitude,latitude');
  }
  return out;
}
