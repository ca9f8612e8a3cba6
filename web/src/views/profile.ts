// The expert's profile: availability, how replies are signed, skills with levels, capacity and weekly hours.
import type { Profile, Schedule, Skill, Tag } from '../../../server/contracts/api.js';
import { MAX_WEIGHTED_LENGTH, buildPreview, weightedLength } from '../../../server/domain/attribution.js';
import { get } from '../api.js';
import { field, h, replace } from '../dom.js';
import { publicPreview } from '../compose.js';
import { onProfile, saveProfile, session } from '../session.js';
import { busy, button, section, toast } from '../ui.js';
import { notificationsPanel } from './notifications.js';
import { passwordPanel } from './password.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SAMPLE = 'Try holding the power button for 10 seconds, then plug it back in. That resets it.';

const toTime = (min: number) =>
  `${String(Math.floor(min / 60) % 24).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
function toMinutes(value: string, isEnd: boolean): number {
  const [hh, mm] = value.split(':').map(Number);
  const min = (hh ?? 0) * 60 + (mm ?? 0);
  return isEnd && min === 0 ? 1440 : min;
}

function skillRow(tags: Tag[], skill: Skill | null, onRemove: (row: HTMLElement) => void): HTMLElement {
  const tag = h(
    'select',
    { 'aria-label': 'Skill' },
    tags.map((t) => h('option', { value: t.slug }, t.name)),
  );
  if (skill && !tags.some((t) => t.slug === skill.tag)) tag.append(h('option', { value: skill.tag }, skill.tag));
  if (skill) tag.value = skill.tag;
  const level = h(
    'select',
    { 'aria-label': 'Level' },
    [1, 2, 3, 4, 5].map((n) =>
      h('option', { value: String(n) }, `${n} ${['', 'some', 'working', 'good', 'strong', 'expert'][n]}`),
    ),
  );
  level.value = String(skill?.level ?? 3);
  const row: HTMLElement = h(
    'li',
    { class: 'inline-row skill-row' },
    tag,
    level,
    button('Remove', () => onRemove(row), { class: 'link', 'aria-label': 'Remove this skill' }),
  );
  return row;
}

function slotRow(slot: Schedule['slots'][number] | null, onRemove: (row: HTMLElement) => void): HTMLElement {
  const day = h(
    'select',
    { 'aria-label': 'Day' },
    DAYS.map((d, i) => h('option', { value: String(i) }, d)),
  );
  day.value = String(slot?.day ?? 1);
  const start = h('input', { type: 'time', 'aria-label': 'From', value: toTime(slot?.start ?? 540) });
  const end = h('input', { type: 'time', 'aria-label': 'To (00:00 means midnight)', value: toTime(slot?.end ?? 1020) });
  const row: HTMLElement = h(
    'li',
    { class: 'inline-row slot-row' },
    day,
    start,
    h('span', { 'aria-hidden': 'true' }, '–'),
    end,
    button('Remove', () => onRemove(row), { class: 'link', 'aria-label': 'Remove these hours' }),
  );
  return row;
}

export function profileView(main: HTMLElement): () => void {
  const render = async () => {
    const p: Profile = session.profile ?? {
      handle: null,
      signature: '',
      skills: [],
      capacity: 3,
      availability: 'available',
      generalist: false,
      schedule: null,
      store: null,
    };
    const tags = await get<{ items: Tag[] }>('/api/tags')
      .then((r) => r.items)
      .catch(() => [] as Tag[]);
    const signature = h('input', {
      type: 'text',
      required: true,
      maxlength: 40,
      value: p.signature,
      placeholder: 'e.g. JD or Jane, Geek Squad',
    });
    const handle = h('input', { type: 'text', maxlength: 50, value: p.handle ?? '', placeholder: '@yourhandle' });
    const store = h('input', { type: 'text', maxlength: 100, value: p.store ?? '' });
    const capacity = h('input', {
      type: 'number',
      min: 1,
      max: 50,
      required: true,
      value: String(p.capacity),
      inputmode: 'numeric',
    });
    const generalist = h('input', { type: 'checkbox', checked: p.generalist });
    const available = h('input', { type: 'checkbox', checked: p.availability === 'available' });
    const sigPreview = h('div');
    const updateSig = () => {
      const pre = buildPreview(SAMPLE, signature.value || '?', session.template);
      const cost = pre.weightedLength - weightedLength(SAMPLE);
      replace(
        sigPreview,
        publicPreview(pre.preview),
        h(
          'p',
          { class: 'muted small' },
          `Your signature uses ${cost} of the ${MAX_WEIGHTED_LENGTH} characters in every reply.`,
        ),
      );
    };
    signature.addEventListener('input', updateSig);
    updateSig();

    const skills = h('ul', { class: 'plain' });
    const removeRow = (row: HTMLElement) => row.remove();
    skills.append(...p.skills.map((s) => skillRow(tags, s, removeRow)));
    const tz = h('input', {
      type: 'text',
      value: p.schedule?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      maxlength: 64,
    });
    const slots = h('ul', { class: 'plain' });
    slots.append(...(p.schedule?.slots ?? []).map((s) => slotRow(s, removeRow)));

    const save = h('button', { type: 'submit', class: 'primary' }, session.profile ? 'Save profile' : 'Create profile');
    const form = h(
      'form',
      { class: 'profile' },
      section(
        'Availability',
        h('label', { class: 'check' }, available, ' Available for new questions'),
        field('Questions you can hold at once', capacity),
        h('label', { class: 'check' }, generalist, ' Also offer me questions that match nobody’s skills'),
      ),
      section(
        'Signature',
        field('Signature', signature, 'Added to every public reply you write'),
        sigPreview,
        field('Your X handle', handle, 'Optional'),
        field('Store or department', store),
      ),
      section(
        'Skills',
        tags.length ? null : h('p', { class: 'muted' }, 'No tags defined yet.'),
        skills,
        button(
          'Add a skill',
          () => {
            skills.append(skillRow(tags, null, removeRow));
            skills.lastElementChild?.querySelector('select')?.focus();
          },
          { disabled: !tags.length },
        ),
      ),
      section(
        'Weekly hours',
        h(
          'p',
          { class: 'muted small' },
          'When set, you are only offered questions during these hours (and while available). Leave empty to rely on the availability switch.',
        ),
        field('Time zone', tz),
        slots,
        button('Add hours', () => {
          slots.append(slotRow(null, removeRow));
          slots.lastElementChild?.querySelector('select')?.focus();
        }),
      ),
      h('div', { class: 'form-actions sticky' }, save),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const skillList = [...skills.querySelectorAll('li')]
        .map((li) => {
          const [tag, level] = li.querySelectorAll('select');
          return { tag: tag!.value, level: Number(level!.value) };
        })
        .filter((s, i, all) => s.tag && all.findIndex((o) => o.tag === s.tag) === i);
      const slotList = [...slots.querySelectorAll('li')].map((li) => {
        const day = li.querySelector('select')!;
        const [start, end] = li.querySelectorAll('input');
        return { day: Number(day.value), start: toMinutes(start!.value, false), end: toMinutes(end!.value, true) };
      });
      if (slotList.some((s) => s.end <= s.start))
        return toast('Each block of hours must end after it starts.', 'error');
      void busy(save, async () => {
        await saveProfile({
          signature: signature.value.trim(),
          handle: handle.value.trim().replace(/^@/, '') || null,
          store: store.value.trim() || null,
          capacity: Number(capacity.value),
          generalist: generalist.checked,
          availability: available.checked ? 'available' : 'away',
          skills: skillList,
          schedule: slotList.length ? { timezone: tz.value.trim() || 'UTC', slots: slotList } : null,
        });
        toast('Profile saved.', 'ok');
      });
    });
    replace(
      main,
      h('h1', null, 'Your profile'),
      h('p', { class: 'muted' }, session.user!.name, ' · ', session.user!.email, ' · ', session.user!.role),
      form,
      notificationsPanel(),
      passwordPanel(),
    );
  };
  void render();
  // The header switch changes availability too: keep the checkbox honest without wiping other edits.
  return onProfile((p) => {
    const box = main.querySelector<HTMLInputElement>('.profile input[type=checkbox]');
    if (box && p) box.checked = p.availability === 'available';
  });
}
