// Where replies go, for admins: every channel with how its replies are delivered (a network's own adapter, a signed
// webhook, or nowhere: recorded, not sent), and for an API channel (email, chat, a helpdesk bridge) its webhook's
// address, set, changed, its secret rotated, or removed. A new secret is shown once, as a token's is; the server
// keeps it, but never answers with it again (docs/channels.md).
import type { Channel } from '../../../server/contracts/channels.js';
import { channelLabel } from '../../../server/domain/channel-display.js';
import { del, get, post, put } from '../api.js';
import { field, h, replace } from '../dom.js';
import { dateTime } from '../format.js';
import { busy, button, confirmAction, empty, errorText, section, showOnce, toast } from '../ui.js';

type Saved = { channel: Channel; secret: string | null };

const DELIVERY: Record<Channel['delivery'], string> = {
  network: 'its network',
  webhook: 'signed webhook',
  none: 'not sent (recorded only)',
};

export function channelWebhooksPanel(): HTMLElement {
  const list = h('ul', { class: 'rows' });
  const secret = h('div', { role: 'status' });
  const name = h('input', {
    type: 'text',
    required: true,
    maxlength: 30,
    pattern: '[a-z0-9][a-z0-9_\\-]*',
    placeholder: 'e.g. email',
  });
  const url = h('input', { type: 'url', required: true, maxlength: 2000, placeholder: 'https://…' });
  const add = h('button', { type: 'submit', class: 'primary' }, 'Set webhook');
  const form = h(
    'form',
    { class: 'grid-form' },
    field('Channel', name, 'As questions name it when ingested: lower case, digits, "-" or "_"'),
    field('Webhook address', url, 'Replies on this channel are POSTed here, signed'),
    h('div', { class: 'form-actions' }, add),
  );

  const showSecret = (saved: Saved) => {
    if (!saved.secret) return replace(secret);
    showOnce(
      secret,
      `signing secret of ${channelLabel(saved.channel.name)}`,
      saved.secret,
      'The receiver checks each delivery’s Helpforce-Signature header with it.',
    );
  };

  const row = (channel: Channel): HTMLElement => {
    const label = channelLabel(channel.name);
    const { webhook } = channel;
    const address = h('input', {
      type: 'url',
      required: true,
      maxlength: 2000,
      value: webhook?.url ?? '',
      'aria-label': `Webhook address for ${label}`,
    });
    const save = h(
      'button',
      { type: 'submit', 'aria-label': `${webhook ? 'Change the address of' : 'Set the webhook of'} ${label}` },
      webhook ? 'Change address' : 'Set webhook',
    );
    const edit = h('form', { class: 'inline-row' }, address, save);
    edit.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void busy(save, async () => {
        const saved = await put<Saved>(`/api/channels/${encodeURIComponent(channel.name)}/webhook`, {
          url: address.value,
        });
        toast(webhook ? `${label} now delivers to the new address.` : `${label} delivers by webhook.`, 'ok');
        showSecret(saved);
        await load();
      });
    });
    const rotate: HTMLButtonElement = button(
      'Rotate secret',
      () =>
        void busy(rotate, async () => {
          const saved = await post<Saved>(`/api/channels/${encodeURIComponent(channel.name)}/webhook/rotate`);
          toast(`${label} has a new secret; the old one signs beside it for a day.`, 'ok');
          showSecret(saved);
          await load();
        }),
      { 'aria-label': `Rotate the secret of ${label}` },
    );
    const remove: HTMLButtonElement = button(
      'Remove',
      () =>
        void busy(remove, async () => {
          const sure = await confirmAction({
            title: `Stop delivering replies on ${label}?`,
            warnings: ['Replies on this channel will be recorded, not sent, until a webhook is set again.'],
            confirm: 'Remove the webhook',
            danger: true,
          });
          if (!sure) return;
          await del(`/api/channels/${encodeURIComponent(channel.name)}/webhook`);
          toast(`${label} no longer delivers replies.`, 'ok');
          await load();
        }),
      { class: 'danger-outline', 'aria-label': `Remove the webhook of ${label}` },
    );
    return h(
      'li',
      { class: 'user-row', 'data-channel': channel.name },
      h('strong', null, label),
      h('span', { class: 'badge' }, DELIVERY[channel.delivery]),
      h(
        'span',
        { class: 'muted small' },
        `${channel.outbox.pending} waiting · ${channel.outbox.failed} failed`,
        webhook
          ? ` · secret ${webhook.secretRotatedAt ? `rotated ${dateTime(webhook.secretRotatedAt)}` : `set ${dateTime(webhook.createdAt)}`}`
          : '',
        webhook?.previousSecretUntil && Date.parse(webhook.previousSecretUntil) > Date.now()
          ? ` · the previous one signs too until ${dateTime(webhook.previousSecretUntil)}`
          : '',
      ),
      channel.delivery === 'network' ? null : edit,
      webhook ? h('span', { class: 'account-actions' }, rotate, remove) : null,
    );
  };

  const load = async () => {
    try {
      const { items } = await get<{ items: Channel[] }>('/api/channels');
      replace(list, items.length ? items.map(row) : h('li', null, empty('No channel yet.')));
    } catch (err) {
      replace(list, h('li', { class: 'error', role: 'alert' }, errorText(err)));
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(add, async () => {
      const saved = await put<Saved>(`/api/channels/${encodeURIComponent(name.value.trim())}/webhook`, {
        url: url.value,
      });
      toast(`${channelLabel(saved.channel.name)} delivers by webhook.`, 'ok');
      showSecret(saved);
      form.reset();
      await load();
    });
  });
  void load();
  return section('Reply delivery', form, secret, h('h3', null, 'Channels'), list);
}
