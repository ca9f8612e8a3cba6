// Entry point: find out who is signed in, then route `#/view/param` to a view. A view is a function that renders
// into <main> and returns its cleanup (unsubscribing from realtime events).
import type { SessionResponse } from '../../server/contracts/api.js';
import { startAlerts } from './alerts.js';
import { ApiError, get, post, whenUnauthorized } from './api.js';
import { startClock } from './clock.js';
import { h, replace } from './dom.js';
import { refreshInbox, startInbox } from './offers.js';
import { renderOfflineStart, startOfflineBanner } from './offline.js';
import { startServiceWorker, turnOff } from './push.js';
import { connect, disconnect, on } from './realtime.js';
import { endSession, isManager, loadProfile, loadSettings, session, startSession } from './session.js';
import { navItems, renderShell } from './shell.js';
import { errorText, toast } from './ui.js';
import { renderLogin } from './views/login.js';
import { renderPasswordChange } from './views/password.js';
import { answersView } from './views/answers.js';
import { inboxView } from './views/inbox.js';
import { metricsView } from './views/metrics.js';
import { profileView } from './views/profile.js';
import { questionView } from './views/question.js';
import { queueView } from './views/queue.js';
import { reviewView } from './views/review.js';
import { rosterView } from './views/roster.js';
import { tagsView } from './views/tags.js';

export type View = (main: HTMLElement, param: string | undefined) => (() => void) | void;

const views: Record<string, { view: View; manager?: boolean }> = {
  inbox: { view: inboxView },
  answers: { view: answersView },
  profile: { view: profileView },
  q: { view: questionView },
  queue: { view: queueView, manager: true },
  review: { view: reviewView, manager: true },
  roster: { view: rosterView, manager: true },
  tags: { view: tagsView, manager: true },
  metrics: { view: metricsView, manager: true },
};

const app = document.getElementById('app')!;
let shell: ReturnType<typeof renderShell> | null = null;
let cleanup: (() => void) | void;

function route(): void {
  if (!shell) return;
  const hash = location.hash;
  if (hash && !hash.startsWith('#/')) return; // in-page anchors such as the skip link
  const [name, param] = hash.slice(2).split('/').map(decodeURIComponent);
  const entry = views[name ?? ''];
  if (!entry || (entry.manager && !isManager())) {
    location.replace(`#/${navItems()[0]!.path}`);
    return;
  }
  cleanup?.();
  cleanup = undefined;
  // An error is about the page it happened on: the next page starts without it. Confirmations stay their time.
  document.querySelectorAll('.toasts .toast-error').forEach((el) => el.remove());
  shell.setActive(name === 'q' ? '' : name!);
  replace(shell.main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    cleanup = entry.view(shell.main, param);
  } catch (err) {
    replace(shell.main, h('p', { class: 'error', role: 'alert' }, errorText(err)));
  }
  if (
    document.activeElement &&
    document.activeElement !== document.body &&
    !shell.main.contains(document.activeElement)
  ) {
    shell.main.focus({ preventScroll: true });
  }
}

async function signedIn(res: SessionResponse): Promise<void> {
  startSession(res);
  // Signed in with a temporary password an admin set: nothing else answers until they choose their own.
  if (res.mustChangePassword)
    return renderPasswordChange(
      app,
      async () => signedIn(await get<SessionResponse>('/api/me')),
      () => void logout(),
    );
  // Experts too: the attribution templates shape the preview they see while writing.
  await Promise.all([loadProfile().catch(() => null), loadSettings()]);
  shell = renderShell(app, logout);
  connect();
  startOfflineBanner();
  startInbox();
  if (isManager()) startAlerts();
  on('note.mention', (d) =>
    toast(`${d.from} mentioned you in a note: “${d.text.slice(0, 80)}”`, 'info', {
      href: `#/q/${encodeURIComponent(d.questionId)}`,
      label: 'Open the question',
    }),
  );
  if (session.profile) void refreshInbox().catch(() => {});
  route();
}

async function logout(): Promise<void> {
  // A shared computer must not go on receiving the last person's offers (customers' words) once they sign out.
  await turnOff().catch(() => {});
  await post('/api/auth/logout').catch(() => {});
  disconnect();
  endSession();
  history.replaceState(null, '', '/');
  location.reload();
}

function showLogin(message?: string): void {
  shell = null;
  cleanup?.();
  renderLogin(app, signedIn, message);
}

// A session that ends mid-use: sign in again, then start over from a clean page (the old shell's timers and
// listeners go with it) at the same address.
whenUnauthorized(() => {
  if (!session.user) return;
  disconnect();
  endSession();
  shell = null;
  cleanup?.();
  renderLogin(app, async () => location.reload(), 'Your session ended. Sign in again.');
});

addEventListener('hashchange', route);
document.addEventListener('click', (ev) => {
  const link = (ev.target as Element).closest?.('a.skip');
  if (link) {
    ev.preventDefault();
    document.getElementById('main')?.focus();
  }
});
startClock();
void startServiceWorker();

get<SessionResponse>('/api/me').then(signedIn, (err) => {
  if (err instanceof ApiError && err.status === 401) showLogin();
  else if (err instanceof ApiError && err.status === 0) renderOfflineStart(app, () => location.reload());
  else showLogin(errorText(err));
});
