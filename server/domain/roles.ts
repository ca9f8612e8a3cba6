// Roles nest: an admin may do what a manager may, a manager what an expert may.
import type { Role } from '../contracts/api.js';

const RANK: Record<Role, number> = { expert: 1, manager: 2, admin: 3 };

export const roleAtLeast = (role: Role, wanted: Role): boolean => RANK[role] >= RANK[wanted];
