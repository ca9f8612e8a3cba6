// What happens to a person's place in the network when their account changes: a new expert gets a profile, a
// deactivated one hands their work back to the team and stops being reachable, a changed password ends the devices
// it let subscribe. Credentials themselves are the auth service's; this is what follows from them.
import type { Account, Role, User } from '../contracts/api.js';
import type { AuthService, Principal } from './auth.js';
import type { Dispatcher } from './dispatcher.js';
import type { ExpertService } from './experts.js';
import type { PushSubscriptionService } from './push-subscriptions.js';
import type { QuestionService } from './questions.js';
import { CREDENTIAL_ENDED, type RealtimeHub } from './realtime-hub.js';
import type { ReplyService } from './replies.js';

interface Deps {
  auth: AuthService;
  experts: ExpertService;
  hub: RealtimeHub;
  subscriptions: Pick<PushSubscriptionService, 'forgetAll'>;
  questions: Pick<QuestionService, 'heldBy' | 'release'>;
  replies: Pick<ReplyService, 'pendingBy' | 'reject'>;
  dispatcher: Pick<Dispatcher, 'withdrawOffers'>;
}

export function createAccountService({ auth, experts, hub, subscriptions, questions, replies, dispatcher }: Deps) {
  /**
   * The work a deactivated account held goes back to the team: replies waiting for review are withdrawn (they would
   * post under the name of someone who left), the questions it held are released to their next wave, and its open
   * offers end, re-offering questions that had no one else.
   */
  async function handOver(actor: User, userId: string) {
    for (const replyId of await replies.pendingBy(userId))
      await replies.reject(actor, replyId, "Withdrawn: the author's account was deactivated");
    for (const questionId of await questions.heldBy(userId)) await questions.release(actor, questionId);
    await dispatcher.withdrawOffers(userId);
  }

  return {
    async create(input: { email: string; name: string; role: Role; password: string }): Promise<User> {
      const user = await auth.createUser(input);
      if (user.role === 'expert') await experts.ensureProfile(user.id, user.name);
      return user;
    },

    /**
     * An employee who moves on is deactivated: their sessions end, their live connections close, their work goes back
     * to the team and routing stops offering them any; reactivated, they sign in again. A changed role applies to
     * their next request, and their live connection reconnects as the new role.
     */
    async update(actor: User, id: string, patch: { name?: string; role?: Role; active?: boolean }): Promise<Account> {
      const { before, after } = await auth.updateUser(actor, id, patch);
      if (before.role !== after.role || before.active !== after.active)
        hub.disconnectUser(id, CREDENTIAL_ENDED, 'account changed: sign in again');
      if (after.role === 'expert' && after.active) await experts.ensureProfile(id, after.name);
      // Out of (or back into) routing before any question is re-offered.
      await experts.refresh(id);
      if (before.active && !after.active) {
        await handOver(actor, id);
        await subscriptions.forgetAll(id, 'account deactivated');
      }
      return after;
    },

    /** A password may have leaked: the devices it let subscribe stop hearing (the client subscribes this one again). */
    async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
      await auth.changePassword(principal, currentPassword, newPassword);
      await subscriptions.forgetAll(principal.user.id, 'password changed');
    },

    async setTemporaryPassword(actor: User, id: string, temporaryPassword: string): Promise<void> {
      await auth.setTemporaryPassword(actor, id, temporaryPassword);
      await subscriptions.forgetAll(id, 'password reset by an admin');
    },
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
