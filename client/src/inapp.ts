/// <reference lib="dom" />
import type { InappAction, InappMessage, SegmentsClient } from './types.js';

/**
 * The default in-app renderer (`strapi-plugin-segments/client/inapp`): shows the highest-priority
 * message due now as a modal, slide-up or top banner, and reports it displayed, clicked or
 * dismissed. Written by hand rather than with a UI library: the whole renderer has a 3 kB budget.
 * Accessibility: a modal traps focus, Escape dismisses, focus returns where it was; slide-ups and
 * banners are polite live regions; motion only when the visitor has not asked for less.
 */
export interface ShowMessagesOptions {
  /**
   * The site's own renderer: called with every due message (highest priority first) and a
   * `report` to call when it is on screen, clicked or closed. The default UI is then not used.
   */
  onMessage?: (
    message: InappMessage,
    report: (action: InappAction, button?: number) => void
  ) => void;
  /** Where the default UI is mounted (default `document.body`). */
  root?: HTMLElement;
}

const CSS = `.sgm-o{position:fixed;inset:0;z-index:2147483000;display:flex;align-items:center;justify-content:center;background:rgba(0,0,0,.45)}
.sgm-m{position:relative;box-sizing:border-box;max-width:min(28rem,calc(100vw - 2rem));padding:1.5rem;border-radius:.75rem;box-shadow:0 .5rem 2rem rgba(0,0,0,.3);font:1rem/1.5 system-ui,sans-serif;background:#fff;color:#1a1a1a}
.sgm-slideup{position:fixed;right:1rem;bottom:1rem;z-index:2147483000}
.sgm-banner-top{position:fixed;top:0;left:0;right:0;max-width:none;border-radius:0;z-index:2147483000;padding:.75rem 3rem .75rem 1rem}
.sgm-dark{background:#1f2430;color:#f2f2f2}.sgm-brand{background:var(--sgm-a);color:#fff}
.sgm-m h2{margin:0 0 .5rem;padding-right:2rem;font-size:1.2rem}.sgm-m img{max-width:100%;border-radius:.5rem}
.sgm-m a{color:inherit}.sgm-b{display:flex;gap:.5rem;margin-top:1rem;flex-wrap:wrap}
.sgm-b>*{margin:0;padding:.5rem 1rem;border:0;line-height:1.5;border-radius:.4rem;background:var(--sgm-a);color:#fff;font:inherit;text-decoration:none;cursor:pointer}
.sgm-brand .sgm-b>*{background:#fff;color:var(--sgm-a)}
.sgm-x{position:absolute;top:.5rem;right:.5rem;margin:0;padding:.25rem .5rem;border:0;background:none;color:inherit;font-size:1.5rem;line-height:1;cursor:pointer}
.sgm-m :focus-visible{outline:3px solid var(--sgm-a);outline-offset:2px}
@media (prefers-reduced-motion:no-preference){.sgm-m{animation:sgm-in .25s ease-out}@keyframes sgm-in{from{opacity:0;transform:translateY(1rem)}}}`;

type Client = Pick<SegmentsClient, 'messages' | 'reportMessage'>;

/** Fetches the messages due now and shows them; resolves with what was due. */
export async function showMessages(
  client: Client,
  options: ShowMessagesOptions = {}
): Promise<InappMessage[]> {
  const due = await client.messages();
  const report = (m: InappMessage) => (action: InappAction, button?: number) =>
    // A report that fails is lost, not retried: the next page view asks again.
    void client.reportMessage(m.id, action, button).catch(() => undefined);
  if (options.onMessage) {
    for (const m of due) options.onMessage(m, report(m));
  } else if (due[0]) {
    render(due[0], report(due[0]), options.root ?? document.body);
  }
  return due;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

const FOCUSABLE = 'a[href],button,[tabindex]:not([tabindex="-1"])';

function render(
  m: InappMessage,
  report: (action: InappAction, button?: number) => void,
  root: HTMLElement
): void {
  if (!document.getElementById('sgm-css')) {
    const style = el('style', undefined, CSS);
    style.id = 'sgm-css';
    document.head.appendChild(style);
  }
  const modal = m.layout === 'modal';
  const box = el('div', `sgm-m sgm-${m.layout} sgm-${m.theme}`);
  box.style.setProperty('--sgm-a', m.accent ?? '#4945ff');
  box.dataset.segmentsMessage = m.campaign;
  const titleId = `sgm-t-${m.campaign}`;
  box.setAttribute('role', modal ? 'dialog' : 'region');
  box.setAttribute('aria-labelledby', titleId);
  if (modal) box.setAttribute('aria-modal', 'true');
  else box.setAttribute('aria-live', 'polite');

  const close = el('button', 'sgm-x', '×');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close');
  const title = el('h2', undefined, m.title);
  title.id = titleId;
  box.append(close, title);
  if (m.image) {
    const img = el('img');
    img.src = m.image.url;
    img.alt = m.image.alt;
    box.append(img);
  }
  const body = el('div');
  body.innerHTML = m.bodyHtml; // rendered and sanitised by the server (see DESIGN §8a)
  box.append(body);
  const actions = el('div', 'sgm-b');
  m.buttons.forEach((b, i) => {
    const node = b.url ? el('a', undefined, b.label) : el('button', undefined, b.label);
    if (node instanceof HTMLAnchorElement) node.href = b.url as string;
    else node.type = 'button';
    // A button that neither links nor records an event ("Not now") closes the message.
    node.addEventListener('click', () => {
      if (b.url || b.event) report('clicked', i);
      else report('dismissed');
      remove();
    });
    actions.append(node);
  });
  if (m.buttons.length) box.append(actions);

  const host = modal ? el('div', 'sgm-o') : box;
  if (modal) host.append(box);
  const before = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && (modal || box.contains(document.activeElement))) {
      e.preventDefault();
      dismiss();
    } else if (e.key === 'Tab' && modal) {
      // Focus trap: Tab and Shift+Tab cycle inside the dialog.
      const items = Array.from(box.querySelectorAll<HTMLElement>(FOCUSABLE));
      const first = items[0];
      const last = items[items.length - 1];
      if (e.shiftKey ? document.activeElement === first : document.activeElement === last) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      } else if (!box.contains(document.activeElement)) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  const remove = () => {
    document.removeEventListener('keydown', onKey, true);
    host.remove();
    if (modal && before && before.isConnected) before.focus();
  };
  const dismiss = () => {
    report('dismissed');
    remove();
  };
  close.addEventListener('click', dismiss);
  if (modal) host.addEventListener('click', (e) => e.target === host && dismiss());
  document.addEventListener('keydown', onKey, true);
  root.append(host);
  if (modal) (box.querySelector<HTMLElement>('.sgm-b>*') ?? close).focus();
  report('displayed');
}
