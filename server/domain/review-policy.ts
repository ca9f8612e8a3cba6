// Review policy: replies from experts with fewer than `minApproved` approved replies, and replies on a sensitive tag,
// go to a manager (a newcomer's first answers and anything sensitive are read before they go public); the rest are
// approved on submit.
export interface ReviewPolicy {
  minApproved: number;
  reviewAll: boolean;
}

export const DEFAULT_REVIEW_POLICY: ReviewPolicy = { minApproved: 5, reviewAll: false };

export function needsReview(
  policy: ReviewPolicy,
  input: { approvedCount: number; questionTags: string[]; sensitiveTags: Set<string> },
): boolean {
  if (policy.reviewAll) return true;
  if (input.approvedCount < policy.minApproved) return true;
  return input.questionTags.some((tag) => input.sensitiveTags.has(tag));
}
