// <twice-demo>: the one-line embed. A classic script (built as dist/embed.js) that defines an
// element holding one lazy iframe of the embed view, sized by that iframe's own height messages.
import {
  EMBED_ATTRIBUTES,
  embedUrl,
  hashFromAttributes,
  postedHeight,
  themeOf,
  type EmbedAttributes,
} from '../ui/embed/embed-url.ts';
import { EMBED_HEIGHT } from '../ui/embed/snippets.ts';

// The script's own URL locates the app (any sub-path of any host); read it while it runs.
const SCRIPT_URL =
  document.currentScript instanceof HTMLScriptElement ? document.currentScript.src : location.href;
const APP_URL = new URL('./', SCRIPT_URL).href;
const APP_ORIGIN = new URL(APP_URL).origin;

// The shadow root keeps the host page's styles out and ours in; `all: initial` stops inheritance.
const STYLE = `
:host { all: initial; display: block; width: 100%; max-width: 100%; }
:host([hidden]) { display: none; }
iframe { display: block; width: 100%; height: ${EMBED_HEIGHT}px; border: 0; color-scheme: normal; }
`;

class TwiceDemo extends HTMLElement {
  static readonly observedAttributes = EMBED_ATTRIBUTES;
  readonly #frame: HTMLIFrameElement;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.#frame = document.createElement('iframe');
    this.#frame.loading = 'lazy';
    this.#frame.title = 'Twice: an interactive idempotency demo';
    root.append(style, this.#frame);
  }

  connectedCallback(): void {
    window.addEventListener('message', this.#onMessage);
    this.#update();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.#onMessage);
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.#update();
  }

  #attributes(): EmbedAttributes {
    const attributes: EmbedAttributes = {};
    for (const name of EMBED_ATTRIBUTES) {
      const value = this.getAttribute(name);
      if (value !== null) attributes[name] = value;
    }
    return attributes;
  }

  #update(): void {
    const attributes = this.#attributes();
    const src = embedUrl(APP_URL, hashFromAttributes(attributes), themeOf(attributes.theme));
    if (this.#frame.src !== src) this.#frame.src = src;
    const story = attributes.scenario?.trim();
    this.#frame.title = story ? `Twice: the ${story} story` : 'Twice: an idempotency demo';
  }

  /** Only this element's own frame may size it: other frames on the page post too. */
  readonly #onMessage = (event: MessageEvent): void => {
    if (event.source !== this.#frame.contentWindow || event.origin !== APP_ORIGIN) return;
    const height = postedHeight(event.data);
    if (height !== null) this.#frame.style.height = `${height}px`;
  };
}

if (!customElements.get('twice-demo')) customElements.define('twice-demo', TwiceDemo);
