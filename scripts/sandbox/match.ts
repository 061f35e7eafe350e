// Sentry's search wildcard: `*` stands for any run of characters, everything else is literal. Issue, span,
// alert and release search all accept it, but they disagree on letter case, so every caller says which it wants.

export interface WildcardOptions {
  /** Issue tags, span text and alert names ignore case in Sentry's search; release versions and paths do not. */
  caseInsensitive: boolean;
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/g;

/**
 * The whole-string regular expression for a wildcard pattern. `*` also crosses line breaks, as in the ClickHouse
 * conditions Sentry compiles wildcards into (LIKE's `%`, and `.` in match()); multi-line SQL span descriptions need it.
 */
export function wildcardToRegExp(pattern: string, options: WildcardOptions): RegExp {
  const body = pattern
    .split("*")
    .map((literal) => literal.replace(REGEX_SPECIAL, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, options.caseInsensitive ? "is" : "s");
}

/** `wildcardToRegExp` as a predicate, compiled once for the many rows a search tests. */
export function wildcardMatcher(pattern: string, options: WildcardOptions): (text: string) => boolean {
  const regex = wildcardToRegExp(pattern, options);
  return (text) => regex.test(text);
}
