// The skill's version, sent as User-Agent. tests/skill.test.ts keeps it equal to package.json and
// SKILL.md's metadata (importing package.json would inline the whole file into every bundle).
export const VERSION = "1.0.0";
