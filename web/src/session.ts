// Who is signed in, and their expert profile (null for a manager or admin who has not opted in to answer).
import type { Profile, SessionResponse, User } from '../../server/contracts/api.js';
import { ApiError, get, put, setCsrfToken } from './api.js';

export const session: { user: User | null; profile: Profile | null } = { user: null, profile: null };
const profileListeners = new Set<(p: Profile | null) => void>();

export const isManager = (user: User | null = session.user): boolean => user?.role === 'manager' || user?.role === 'admin';
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
