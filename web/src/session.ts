// Who is signed in, and their expert profile (null for a manager or admin who has not opted in to answer).
import type { Profile, SessionResponse, Settings, User } from '../../server/contracts/api.js';
import { DEFAULT_ATTRIBUTION_TEMPLATE } from '../../server/domain/attribution.js';
import { ApiError, get, put, setCsrfToken } from './api.js';

export type { Settings };

export const session: {
  user: User | null;
  profile: Profile | null;
  template: string;
  /** Channels with an attribution template of their own (the default `template` for the rest). */
  templates: Record<string, string>;
} = {
  user: null,
  profile: null,
  template: DEFAULT_ATTRIBUTION_TEMPLATE,
  templates: {},
};
const profileListeners = new Set<(p: Profile | null) => void>();

export const isManager = (user: User | null = session.user): boolean =>
  user?.role === 'manager' || user?.role === 'admin';
export const isAdmin = (user: User | null = session.user): boolean => user?.role === 'admin';

export function startSession(res: SessionResponse): void {
  session.user = res.user;
  setCsrfToken(res.csrfToken);
}

export function endSession(): void {
  session.user = null;
  session.profile = null;
  setCsrfToken('');
}

export async function loadProfile(): Promise<Profile | null> {
  try {
    setProfile(await get<Profile>('/api/me/profile'));
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 403)) throw err;
    setProfile(null);
  }
  return session.profile;
}

/** The attribution template an admin may have changed, so the live preview matches what will be posted. */
export async function loadSettings(): Promise<Settings | null> {
  try {
    const settings = await get<Settings>('/api/settings');
    session.template = settings.attributionTemplate;
    session.templates = settings.attributionTemplates;
    return settings;
  } catch {
    return null;
  }
}

export async function saveProfile(update: Partial<Profile>): Promise<Profile> {
  const saved = await put<Profile>('/api/me/profile', update);
  setProfile(saved);
  return saved;
}

function setProfile(p: Profile | null): void {
  session.profile = p;
  profileListeners.forEach((l) => l(p));
}

export function onProfile(listener: (p: Profile | null) => void): () => void {
  profileListeners.add(listener);
  return () => profileListeners.delete(listener);
}
