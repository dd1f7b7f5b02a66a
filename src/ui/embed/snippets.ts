// The two snippets "Embed this" offers for a state: a plain iframe, and the one-line <twice-demo>.
import {
  attributesFromHash,
  embedUrl,
  EMBED_ATTRIBUTES,
  type EmbedAttributes,
  type Theme,
} from './embed-url.ts';

/** The frame size an embed is designed for; the resize messages adjust the height. */
export const EMBED_WIDTH = 700;
export const EMBED_HEIGHT = 500;

export interface Snippets {
  /** The embed view's address. */
  readonly src: string;
  readonly iframe: string;
  readonly element: string;
}

const escapeAttribute = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function attributeList(attributes: EmbedAttributes): string {
  return EMBED_ATTRIBUTES.flatMap((name) => {
    const value = attributes[name];
    return value === undefined ? [] : [` ${name}="${escapeAttribute(value)}"`];
  }).join('');
}

/** Both snippets for the state a canonical hash holds, served from appUrl. */
export function snippetsFor(
  appUrl: string,
  hash: string,
  title: string,
  theme: Theme | null = null,
): Snippets {
  const src = embedUrl(appUrl, hash, theme);
  const script = new URL('embed.js', src).href;
  const attributes = { ...attributesFromHash(hash), ...(theme ? { theme } : {}) };
  return {
    src,
    iframe:
      `<iframe src="${escapeAttribute(src)}" title="${escapeAttribute(`Twice: ${title}`)}"` +
      ` width="${EMBED_WIDTH}" height="${EMBED_HEIGHT}" loading="lazy"` +
      ` style="width: 100%; max-width: ${EMBED_WIDTH}px; border: 0"></iframe>`,
    element:
      `<script src="${escapeAttribute(script)}" async></script>\n` +
      `<twice-demo${attributeList(attributes)}></twice-demo>`,
  };
}
