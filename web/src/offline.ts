// Whether the app can reach its server, said plainly: a banner over the app while signed in, and a page of its own
// when the app starts without a network (the service worker served the kept shell, but the API is out of reach).
import { h, replace } from './dom.js';
import { onState } from './realtime.js';

let banner: HTMLElement | null = null;
/** A request failed for want of a network, although the browser may still believe it is online. */
let unreachable = false;

function render(): void {
  const offline = !navigator.onLine || unreachable;
  if (banner) banner.hidden = !offline;
  document.documentElement.classList.toggle('is-offline', offline);
}

/** Any answer at all, even an error status, means the server is reachable; only a failed request means it is not. */
async function probe(): Promise<void> {
  try {
    await fetch('/health', { cache: 'no-store', credentials: 'same-origin' });
    unreachable = false;
  } catch {
    unreachable = true;
  }
  render();
}

export function startOfflineBanner(): void {
  if (banner) return;
  banner = h(
    'div',
    { class: 'offline-banner', role: 'status', hidden: true },
    h('strong', null, 'You are offline.'),
    ' What you see may be out of date, and nothing you do is saved until the connection is back.',
  );
  document.body.prepend(banner);
  addEventListener('online', () => void probe());
  addEventListener('offline', render);
  // The live socket drops first when the network goes; a probe tells a lost network from a restarting server.
  onState((state) => {
    if (state === 'live') {
      unreachable = false;
      render();
    } else if (state === 'offline') {
      void probe();
    }
  });
  render();
}

/** The app could not start for want of a network: not the sign-in page and not an error, and it retries by itself. */
export function renderOfflineStart(root: HTMLElement, retry: () => void): void {
  document.documentElement.classList.add('is-offline');
  replace(
    root,
    h(
      'main',
      { id: 'main', class: 'offline-start', tabindex: '-1' },
      h('h1', null, 'You are offline'),
      h(
        'p',
        null,
        'Helpforce cannot reach its server from this device right now. It opens again by itself when the connection is back.',
      ),
      h('button', { type: 'button', class: 'primary', onclick: retry }, 'Try again'),
    ),
  );
  addEventListener('online', retry, { once: true });
}
