import t from 'tap';
import { localClock, minuteOfWeek, withinSchedule } from '../server/domain/routing/availability.js';
import type { WeeklySchedule } from '../server/domain/routing/index.js';

const at = (iso: string) => Date.parse(iso);

const minutes: { zone: string; when: string; day: number; hour: number; minute: number }[] = [
  { zone: 'UTC', when: '2024-01-07T00:00:00Z', day: 0, hour: 0, minute: 0 },
  { zone: 'UTC', when: '2024-01-10T15:30:00Z', day: 3, hour: 15, minute: 30 },
  { zone: 'America/New_York', when: '2024-01-10T03:15:00Z', day: 2, hour: 22, minute: 15 },
  { zone: 'Asia/Tokyo', when: '2024-01-13T20:00:00Z', day: 0, hour: 5, minute: 0 },
  { zone: 'Europe/Paris', when: '2024-07-01T06:00:00Z', day: 1, hour: 8, minute: 0 },
  { zone: 'Not/AZone', when: '2024-01-10T15:30:00Z', day: 3, hour: 15, minute: 30 },
];

for (const c of minutes) {
  t.test(`local time in ${c.zone} at ${c.when}`, async (t) => {
    t.equal(minuteOfWeek(c.zone, at(c.when)), c.day * 1440 + c.hour * 60 + c.minute);
  });
}

const weekdays9to5: WeeklySchedule = {
  timezone: 'Europe/Paris',
  slots: [1, 2, 3, 4, 5].map((day) => ({ day, start: 540, end: 1020 })),
};
const saturdayNight: WeeklySchedule = { timezone: 'UTC', slots: [{ day: 6, start: 22 * 60, end: 2 * 60 }] };

const schedules: { name: string; schedule: WeeklySchedule | null; when: string; inside: boolean }[] = [
  { name: 'no schedule is always inside', schedule: null, when: '2024-01-07T03:00:00Z', inside: true },
  { name: 'Wednesday 10:00 Paris', schedule: weekdays9to5, when: '2024-01-10T09:00:00Z', inside: true },
  {
    name: 'Wednesday 17:00 Paris is the end, exclusive',
    schedule: weekdays9to5,
    when: '2024-01-10T16:00:00Z',
    inside: false,
  },
  { name: 'Wednesday 08:59 Paris', schedule: weekdays9to5, when: '2024-01-10T07:59:00Z', inside: false },
  { name: 'Saturday 12:00 Paris', schedule: weekdays9to5, when: '2024-01-13T11:00:00Z', inside: false },
  { name: 'an overnight slot before midnight', schedule: saturdayNight, when: '2024-01-13T23:00:00Z', inside: true },
  {
    name: 'an overnight slot after midnight, wrapping into Sunday',
    schedule: saturdayNight,
    when: '2024-01-14T01:30:00Z',
    inside: true,
  },
  { name: 'after an overnight slot', schedule: saturdayNight, when: '2024-01-14T02:30:00Z', inside: false },
];

for (const c of schedules) {
  t.test(c.name, async (t) => {
    t.equal(withinSchedule(c.schedule, localClock(at(c.when))), c.inside);
  });
}
