// Release versions as Sentry parses them, with the rules of getsentry/sentry-release-parser (what it stores as
// Release.version_info): the release endpoints and the issues' first/last release both describe versions this way.

const RELEASE_PATTERN = /^(@?[^@]+)@(.+?)$/;
const VERSION_PATTERN =
  /^([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:\.([0-9]+))?((?:-|[a-z])(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)?(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*)?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** Hex strings of these lengths are build hashes (short/long git SHAs, SHA-256), not versions. */
const BUILD_HASH_LENGTHS = new Set([12, 16, 20, 32, 40, 64]);
/** Descriptions abbreviate build hashes to this many characters. */
const SHORT_HASH_LENGTH = 12;

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  revision: number;
  pre: string | null;
  buildCode: string | null;
  components: number;
}

export interface ParsedRelease {
  package: string | null;
  versionRaw: string;
  version: ParsedVersion | null;
  buildHash: string | null;
  description: string;
}

function isBuildHash(text: string): boolean {
  return BUILD_HASH_LENGTHS.has(text.length) && /^[0-9a-fA-F]+$/.test(text);
}

/** `package@version`; a bare version (no package) stays unparsed and keeps its raw text as description, as the parser does. */
export function parseRelease(release: string): ParsedRelease {
  const match = RELEASE_PATTERN.exec(release);
  const pkg = match ? match[1]! : null;
  const versionRaw = match ? match[2]! : release;
  let version: ParsedVersion | null = null;
  if (match && !isBuildHash(versionRaw)) {
    const v = VERSION_PATTERN.exec(versionRaw);
    if (v) {
      version = {
        major: Number(v[1]),
        minor: Number(v[2] ?? 0),
        patch: Number(v[3] ?? 0),
        revision: Number(v[4] ?? 0),
        pre: v[5] ? v[5].replace(/^-/, "") : null,
        buildCode: v[6] ?? null,
        components: 1 + (v[2] !== undefined ? 1 : 0) + (v[3] !== undefined ? 1 : 0) + (v[4] !== undefined ? 1 : 0),
      };
    }
  }
  const buildHash =
    version?.buildCode && isBuildHash(version.buildCode) ? version.buildCode : isBuildHash(versionRaw) ? versionRaw : null;
  const shortHash = buildHash?.slice(0, SHORT_HASH_LENGTH) ?? null;
  let description: string;
  if (version) {
    const parts = [version.major, version.minor, version.patch, version.revision].slice(0, version.components);
    description = parts.join(".") + (version.pre ? `-${version.pre}` : "");
    if (shortHash) description += ` (${shortHash})`;
    else if (version.buildCode) description += ` (${version.buildCode})`;
  } else {
    description = shortHash ?? release;
  }
  return { package: pkg, versionRaw, version, buildHash, description };
}

/** Release.version_info as the release serializer exposes it (expose_version_info). */
export function versionInfo(release: string): Record<string, unknown> {
  const parsed = parseRelease(release);
  const version: Record<string, unknown> = { raw: parsed.versionRaw };
  if (parsed.version) {
    Object.assign(version, {
      major: parsed.version.major,
      minor: parsed.version.minor,
      patch: parsed.version.patch,
      pre: parsed.version.pre,
      buildCode: parsed.version.buildCode,
      components: parsed.version.components,
    });
  }
  return { package: parsed.package, version, description: parsed.description, buildHash: parsed.buildHash };
}

/** Release.build_number: the build code when it is a plain integer. */
export function buildNumber(release: string): number | null {
  const code = parseRelease(release).version?.buildCode;
  return code && /^\d{1,15}$/.test(code) ? Number(code) : null;
}

/** Semver order as Release.SEMVER_COLS sorts it: a release without pre-release ranks above its pre-releases. */
export function compareSemver(a: ParsedVersion, b: ParsedVersion): number {
  const keys: Array<keyof ParsedVersion> = ["major", "minor", "patch", "revision"];
  for (const key of keys) {
    const diff = (a[key] as number) - (b[key] as number);
    if (diff !== 0) return diff;
  }
  if (a.pre !== b.pre) {
    if (a.pre === null) return 1;
    if (b.pre === null) return -1;
    return a.pre < b.pre ? -1 : 1;
  }
  const buildA = a.buildCode && /^\d+$/.test(a.buildCode) ? Number(a.buildCode) : -1;
  const buildB = b.buildCode && /^\d+$/.test(b.buildCode) ? Number(b.buildCode) : -1;
  return buildA - buildB;
}
