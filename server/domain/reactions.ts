// A customer's short follow-up that only says thanks is a positive reaction to the answer, not a new question.
const THANKS =
  /\b(thanks?|thank\s*you|thx|ty|cheers|appreciated?|much appreciated|that (worked|fixed it|helped)|works now|you rock|perfect)\b|🙏|❤️|👍|🙌/iu;
const QUESTION_HINT = /\?|\b(but|still|how|why|what|when|where|doesn'?t|didn'?t|not working|won'?t)\b/i;

export function isThanks(text: string): boolean {
  const body = text
    .replace(/@\w+/g, '')
    .replace(/https?:\/\/\S+/g, '')
    .trim();
  return body.length <= 140 && THANKS.test(body) && !QUESTION_HINT.test(body);
}
