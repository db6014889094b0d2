/**
 * An image of a report as the host read it: the type the renderer and the
 * shell share (src/node/images.ts fills a map of these; the renderer shows
 * them). Types only, so that the render context can name it without
 * importing the Markdown renderer.
 */

/** The image types that are embedded: raster formats only (an SVG can carry script). */
export const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageMime = (typeof IMAGE_MIMES)[number];

/**
 * An image of the report as the host read it (src/node/images.ts), keyed in
 * `RenderOptions.images` by its source as `imageSources` gives it. `bytes`
 * is the file's size, `sha256` the hash of exactly the bytes in `dataUri`;
 * `width`/`height` are the pixel size read from the file's header, when known.
 */
export type ImageView =
  | { ok: true; dataUri: string; mime: ImageMime; bytes: number; sha256: string; width?: number; height?: number }
  | { ok: false; reason: string };
