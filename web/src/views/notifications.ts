// The profile's notification settings: "Notify me on this device" (Web Push to this browser), the other devices
// that get them, and for a manager how an open tab calls for attention (browser notifications, sound).
import { alertSound, allowNotifications, notifyPermission, setAlertSound } from '../alerts.js';
import { h, replace } from '../dom.js';
import { dateTime } from '../format.js';
import {
  type Device,
  type PushState,
  listDevices,
  pushState,
  removeDevice,
  thisDeviceId,
  turnOff,
  turnOn,
} from '../push.js';
import { isManager } from '../session.js';
import { busy, button, errorText, section, toast } from '../ui.js';

const STATE_TEXT: Record<PushState, string> = {
  on: 'On: new offers and news about your questions reach this device even when Helpforce is closed.',
  off: 'Off: you hear about new offers only while Helpforce is open.',
  blocked:
    'Blocked by the browser: notifications for this site are turned off in its settings. Allow them there, then come back here.',
  'needs-install':
    'On iPhone and iPad, add Helpforce to your Home Screen first (Share, then “Add to Home Screen”), open it from there, then turn this on.',
  unsupported: 'This browser cannot show notifications from websites.',
};

/** "Chrome on Android", from the user agent the browser sent when it subscribed. */
export function deviceName(userAgent: string | null): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\/|CriOS/.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'A browser';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux|CrOS/.test(ua)
            ? 'Linux'
            : null;
  return os ? `${browser} on ${os}` : browser;
}

function deviceRow(d: Device, onRemove: (d: Device) => Promise<void>): HTMLElement {
  const name = deviceName(d.userAgent);
  const here = d.id === thisDeviceId();
  return h(
    'li',
    { class: 'inline-row device' },
    h('span', null, h('strong', null, name), here ? h('span', { class: 'chip' }, 'this device') : null),
    h(
      'span',
      { class: 'muted small' },
      `added ${dateTime(d.createdAt)} · last notified ${d.lastSuccessAt ? dateTime(d.lastSuccessAt) : 'never'}`,
    ),
    button('Remove', (ev) => busy(ev.currentTarget as HTMLButtonElement, () => onRemove(d)), {
      class: 'link',
      'aria-label': `Remove ${name}${here ? ' (this device)' : ''}`,
    }),
  );
}

function pushPanel(): HTMLElement {
  const toggle = h(
    'button',
    { type: 'button', role: 'switch', class: 'switch', 'aria-checked': 'false' },
    h('span', { class: 'switch-track', 'aria-hidden': 'true' }),
    'Notify me on this device',
  );
  const state = h('p', { class: 'push-state muted', id: 'push-state' });
  toggle.setAttribute('aria-describedby', state.id);
  const devices = h('div', { class: 'devices' });

  const renderDevices = (items: Device[] | null, failure: unknown) => {
    if (!items) return replace(devices, h('p', { class: 'error' }, errorText(failure)));
    replace(
      devices,
      items.length
        ? [
            h('h3', null, 'Devices that get notifications'),
            h(
              'ul',
              { class: 'plain' },
              items.map((d) =>
                deviceRow(d, async (dev) => {
                  await removeDevice(dev.id);
                  toast(`${deviceName(dev.userAgent)} no longer gets notifications.`, 'ok');
                  await refresh();
                }),
              ),
            ),
          ]
        : h('p', { class: 'muted small' }, 'No device gets notifications yet.'),
    );
  };
  const refresh = async () => {
    let failure: unknown = null;
    const items = await listDevices().catch((err: unknown) => {
      failure = err;
      return null;
    });
    let s = await pushState();
    // The server drops a subscription its push service refused (gone, expired): then this device is off again.
    if (s === 'on' && items && !items.some((d) => d.id === thisDeviceId())) s = 'off';
    toggle.setAttribute('aria-checked', String(s === 'on'));
    toggle.disabled = s === 'blocked' || s === 'needs-install' || s === 'unsupported';
    toggle.dataset.state = s;
    state.textContent = STATE_TEXT[s];
    renderDevices(items, failure);
  };
  toggle.addEventListener(
    'click',
    () =>
      void busy(toggle, async () => {
        if (toggle.getAttribute('aria-checked') === 'true') {
          await turnOff();
          toast('Notifications are off on this device.', 'ok');
        } else {
          try {
            const s = await turnOn();
            if (s === 'on') toast('Notifications are on: Helpforce reaches this device even when it is closed.', 'ok');
          } catch (err) {
            toast(err instanceof Error ? err.message : String(err), 'error');
          }
        }
        await refresh();
      }),
  );
  void refresh();
  return section('Notifications', toggle, state, devices);
}

function tabAlertsPanel(): HTMLElement {
  const state = h('p', { class: 'muted small' });
  const allow = button('Allow browser notifications', (ev) =>
    busy(ev.currentTarget as HTMLButtonElement, async () => {
      await allowNotifications();
      render();
    }),
  );
  const sound = h('input', { type: 'checkbox', checked: alertSound() });
  sound.addEventListener('change', () => setAlertSound(sound.checked));
  const render = () => {
    const p = notifyPermission();
    allow.hidden = p !== 'default';
    state.textContent =
      p === 'granted'
        ? 'Escalations, failed posts and SLA breaches show as browser notifications while Helpforce is open.'
        : p === 'denied'
          ? 'Browser notifications are blocked for this site; the tab title still counts new alerts.'
          : p === 'unsupported'
            ? 'This browser cannot show notifications; the tab title still counts new alerts.'
            : 'The tab title counts new escalations, failed posts and SLA breaches. Browser notifications can show them too.';
  };
  render();
  return section(
    'Alerts while Helpforce is open',
    state,
    allow,
    h('label', { class: 'check' }, sound, ' Play a sound with each alert'),
  );
}

export function notificationsPanel(): HTMLElement {
  return h('div', { class: 'notifications' }, pushPanel(), isManager() ? tabAlertsPanel() : null);
}
