// Admin settings: when replies need review, and how the public text is signed.
import { buildPreview } from '../../../server/domain/attribution.js';
import { get, put } from '../api.js';
import { field, h, replace } from '../dom.js';
import { publicPreview } from '../compose.js';
import { session, type Settings } from '../session.js';
import { busy, errorText, section, toast } from '../ui.js';

const SAMPLE = 'Hold the power button for 10 seconds, then plug it back in.';

export function settingsPanel(): HTMLElement {
  const body = h('div');
  const load = async () => {
    let current: Settings;
    try {
      current = await get<Settings>('/api/settings');
    } catch (err) {
      return replace(body, h('p', { class: 'error' }, errorText(err)));
    }
    const minApproved = h('input', { type: 'number', min: 0, max: 1000, required: true, value: String(current.reviewPolicy.minApproved), inputmode: 'numeric' });
    const reviewAll = h('input', { type: 'checkbox', checked: current.reviewPolicy.reviewAll });
    const template = h('input', { type: 'text', required: true, minlength: 6, maxlength: 60, value: current.attributionTemplate });
    const example = h('div');
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save settings');
    const update = () => {
      const ok = template.value.includes('{text}') && template.value.includes('{signature}');
      template.setCustomValidity(ok ? '' : 'The template needs {text} and {signature}.');
      replace(example, publicPreview(buildPreview(SAMPLE, 'JD', template.value).preview));
    };
    template.addEventListener('input', update);
    update();
    const form = h('form', { class: 'grid-form' },
      field('Review replies of experts with fewer approved replies than', minApproved),
      h('label', { class: 'check' }, reviewAll, ' Review every reply'),
      h('p', { class: 'muted small', style: { gridColumn: '1 / -1' } }, 'Replies on a sensitive tag are always reviewed.'),
      field('Attribution template', template, 'Use {text} and {signature}, e.g. "{text} ^{signature}"'),
      h('div', null, h('p', { class: 'muted small' }, 'Example'), example),
      h('div', { class: 'form-actions' }, save));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void busy(save, async () => {
        const saved = await put<Settings>('/api/settings', {
          reviewPolicy: { minApproved: Number(minApproved.value), reviewAll: reviewAll.checked }, attributionTemplate: template.value,
        });
        session.template = saved.attributionTemplate;
        toast('Settings saved.', 'ok');
      });
    });
    replace(body, form);
  };
  void load();
  return section('Settings', body);
}
