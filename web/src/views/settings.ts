// Admin settings: when replies need review, how the public text is signed, and the chat webhook for manager alerts.
import type { AlertEvent, AlertWebhook } from '../../../server/contracts/push.js';
import { buildPreview } from '../../../server/domain/attribution.js';
import { channelLabel } from '../../../server/domain/channel-display.js';
import { channelRules } from '../channels.js';
import { get, post, put } from '../api.js';
import { field, h, replace } from '../dom.js';
import { publicPreview } from '../compose.js';
import { session, type Settings } from '../session.js';
import { busy, button, errorText, section, toast } from '../ui.js';

const SAMPLE = 'Hold the power button for 10 seconds, then plug it back in.';

const EVENT_LABEL: Record<AlertEvent, string> = {
  'question.escalated': 'A question escalates',
  'sla.at_risk': 'A question’s SLA is at risk',
  'sla.breached': 'A question breaches its SLA',
  'post.failed': 'A reply fails to post',
};
// From the labels, not the contract's list: importing a value from the contracts would bundle zod into the page.
const ALERT_EVENTS = Object.keys(EVENT_LABEL) as AlertEvent[];

/** Where the desk's chat hears about escalations, breaches and failed posts (Slack, Teams or Mattermost webhook). */
function webhookForm(current: AlertWebhook): HTMLElement {
  const url = h('input', {
    type: 'url',
    maxlength: 2048,
    value: current.url ?? '',
    placeholder: 'https://hooks.slack.com/services/…',
    inputmode: 'url',
  });
  const checks = ALERT_EVENTS.map((event) =>
    h('input', { type: 'checkbox', value: event, checked: current.events.includes(event) }),
  );
  const result = h('p', { class: 'webhook-result', role: 'status' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save webhook');
  const test = button('Send test', (ev) =>
    busy(ev.currentTarget as HTMLButtonElement, async () => {
      replace(result, 'Sending…');
      const res = await post<{ ok: boolean; status: number | null; error?: string }>(
        '/api/settings/alert-webhook/test',
        url.value.trim() ? { url: url.value.trim() } : {},
      ).catch((err: unknown) => ({ ok: false, status: null, error: errorText(err) }));
      result.className = `webhook-result ${res.ok ? 'ok-text' : 'error'}`;
      replace(
        result,
        res.ok
          ? `Sent: the chat answered ${res.status}.`
          : `Not sent: ${res.error ?? (res.status ? `the chat answered ${res.status}` : 'no answer')}.`,
      );
    }),
  );
  const form = h(
    'form',
    { class: 'grid-form webhook' },
    field(
      'Chat webhook URL',
      url,
      'An incoming webhook of Slack, Microsoft Teams or Mattermost. Leave empty for none.',
    ),
    h(
      'fieldset',
      { class: 'checks' },
      h('legend', null, 'Post when'),
      checks.map((box, i) => h('label', { class: 'check' }, box, ' ', EVENT_LABEL[ALERT_EVENTS[i]!])),
    ),
    result,
    h('div', { class: 'form-actions' }, save, test),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(save, async () => {
      const events = checks.filter((c) => c.checked).map((c) => c.value as AlertEvent);
      await put<Settings>('/api/settings', { alertWebhook: { url: url.value.trim() || null, events } });
      toast('Webhook saved.', 'ok');
    });
  });
  return form;
}

export function settingsPanel(): HTMLElement {
  const body = h('div');
  const load = async () => {
    let current: Settings;
    try {
      current = await get<Settings>('/api/settings');
    } catch (err) {
      return replace(body, h('p', { class: 'error' }, errorText(err)));
    }
    const minApproved = h('input', {
      type: 'number',
      min: 0,
      max: 1000,
      required: true,
      value: String(current.reviewPolicy.minApproved),
      inputmode: 'numeric',
    });
    const reviewAll = h('input', { type: 'checkbox', checked: current.reviewPolicy.reviewAll });
    const negativeSla = h('input', {
      type: 'number',
      min: 1,
      max: 10_080,
      value: current.negativeSlaMinutes === null ? '' : String(current.negativeSlaMinutes),
      inputmode: 'numeric',
      placeholder: 'the same as every question',
    });
    const template = h('input', {
      type: 'text',
      required: true,
      minlength: 6,
      maxlength: 60,
      value: current.attributionTemplate,
    });
    const example = h('div');
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save settings');
    const update = () => {
      const ok = template.value.includes('{text}') && template.value.includes('{signature}');
      template.setCustomValidity(ok ? '' : 'The template needs {text} and {signature}.');
      replace(example, publicPreview(buildPreview(SAMPLE, 'JD', template.value).preview));
    };
    template.addEventListener('input', update);
    update();
    // A channel may sign differently (a shorter signature where the network counts tightly); empty: the default.
    const overrides = new Map<string, HTMLInputElement>();
    const overrideList = h('div', { class: 'channel-templates', style: { gridColumn: '1 / -1' } });
    const addOverride = (name: string, label: string) => {
      if (overrides.has(name)) return;
      const input = h('input', {
        type: 'text',
        minlength: 6,
        maxlength: 60,
        value: current.attributionTemplates[name] ?? '',
        placeholder: 'the default template',
        'data-channel': name,
      });
      input.addEventListener('input', () => {
        const v = input.value.trim();
        const ok = !v || (v.includes('{text}') && v.includes('{signature}'));
        input.setCustomValidity(ok ? '' : 'The template needs {text} and {signature}.');
      });
      overrides.set(name, input);
      overrideList.append(field(`Attribution on ${label}`, input));
    };
    for (const name of Object.keys(current.attributionTemplates)) addOverride(name, channelLabel(name));
    void channelRules()
      .then((rules) => {
        for (const c of rules.items) addOverride(c.name, c.label);
      })
      .catch(() => {});
    const form = h(
      'form',
      { class: 'grid-form' },
      field('Review replies of experts with fewer approved replies than', minApproved),
      h('label', { class: 'check' }, reviewAll, ' Review every reply'),
      h(
        'p',
        { class: 'muted small', style: { gridColumn: '1 / -1' } },
        'Replies on a sensitive tag are always reviewed.',
      ),
      field('Attribution template', template, 'Use {text} and {signature}, e.g. "{text} ^{signature}"'),
      overrideList,
      field(
        'SLA for strongly negative posts (minutes)',
        negativeSla,
        'They lead the queue; empty: the same SLA as every question',
      ),
      h('div', null, h('p', { class: 'muted small' }, 'Example'), example),
      h('div', { class: 'form-actions' }, save),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void busy(save, async () => {
        const saved = await put<Settings>('/api/settings', {
          reviewPolicy: { minApproved: Number(minApproved.value), reviewAll: reviewAll.checked },
          attributionTemplate: template.value,
          attributionTemplates: Object.fromEntries(
            [...overrides].filter(([, input]) => input.value.trim()).map(([name, input]) => [name, input.value.trim()]),
          ),
          negativeSlaMinutes: negativeSla.value ? Number(negativeSla.value) : null,
        });
        session.template = saved.attributionTemplate;
        session.templates = saved.attributionTemplates;
        toast('Settings saved.', 'ok');
      });
    });
    replace(
      body,
      form,
      h('h3', null, 'Chat alerts'),
      webhookForm(current.alertWebhook ?? { url: null, events: [...ALERT_EVENTS] }),
    );
  };
  void load();
  return section('Settings', body);
}
