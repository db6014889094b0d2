/** Encodings a value goes through in the capture tests' property tests (as an app would apply them). */
import { deflateSync, gzipSync } from 'node:zlib';

export type Step = 'base64' | 'base64url' | 'url' | 'gzip' | 'deflate' | 'hex' | 'json';
export const apply = (data: Buffer, step: Step): Buffer => {
  switch (step) {
    case 'base64':
      return Buffer.from(data.toString('base64'));
    case 'base64url':
      return Buffer.from(data.toString('base64url'));
    case 'url':
      // byte by byte, as an app's URL encoder writes bytes
      return Buffer.from([...data].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join(''));
    case 'gzip':
      return gzipSync(data);
    case 'deflate':
      return deflateSync(data);
    case 'hex':
      return Buffer.from(data.toString('hex'));
    case 'json':
      return Buffer.from(JSON.stringify({ v: data.toString('latin1') }));
  }
};
/** Steps whose output is text (they can be embedded in text that is not the same encoding). */
