// Kubernetes name, label and address rules (k8s.io/apimachinery/pkg/util/validation and
// .../api/validation generic name functions), each returning the list of upstream's error messages
// in upstream's order (empty when valid).
//
// Lengths are counted in UTF-8 bytes, as Go's len() does. Message wording follows util/validation
// ("must be no more than N characters", "a qualified name ..."). Newer apimachinery moves label keys
// and values into its validate/content package, whose wording may be "N bytes" and "a valid label key";
// which release ships that was not pinned down, so the wording lives in the constants below.
//
// IP and CIDR rules follow ip.go since KEP-4858 (StrictIPCIDRValidation): the legacy-field forms
// (ipAddress, cidr) accept what Go's old net.ParseIP/ParseCIDR accepted but reject leading zeros and
// IPv4-mapped IPv6; the strict forms (ipAddressStrict, cidrStrict) also require canonical text.

const MAX_LEN = (n: number): string => `must be no more than ${n} characters`;
const EMPTY = 'must be non-empty';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;

const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const IANA_SVC_NAME_RE = /^[-a-z0-9]+$/;

const DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_WHOLE = 'a qualified name';
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Go's len(s): UTF-8 bytes. */
function byteLength(s: string): number {
  // ASCII fast path: one byte per UTF-16 unit.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/**
 * Upstream RegexError, literally: every example is followed by "', " and later ones are preceded by
 * " or ", hence upstream's "(e.g. 'my-name',  or '123-abc', regex used ...)".
 */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) s += ' or ';
    s += `'${e}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

/** Upstream InclusiveRangeError. */
export function inclusiveRange(value: number, lo: number, hi: number): string[] {
  return Number.isInteger(value) && value >= lo && value <= hi ? [] : [`must be between ${lo} and ${hi}, inclusive`];
}

/** IsDNS1123Label: namespaces, and names of kinds that become DNS labels. */
export function dns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(MAX_LEN(63));
  if (!DNS1123_LABEL_RE.test(value)) {
    // A valid subdomain that is not a valid label can only be failing on its dots.
    errs.push(DNS1123_SUBDOMAIN_RE.test(value) ? 'must not contain dots' : regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

/** IsDNS1123Subdomain: most object names, label-key prefixes. */
export function dns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(MAX_LEN(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** IsDNS1035Label: Service names. */
export function dns1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(MAX_LEN(63));
  if (!DNS1035_LABEL_RE.test(value)) errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/** IsQualifiedName: label keys, annotation keys, resource names — `[prefix/]name`. */
export function qualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${EMPTY}`);
    else for (const e of dns1123Subdomain(prefix)) errs.push(`prefix part ${e}`);
  } else {
    return [`${QUALIFIED_NAME_WHOLE} ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push(`name part ${EMPTY}`);
  else if (byteLength(name) > 63) errs.push(`name part ${MAX_LEN(63)}`);
  // Upstream runs the regex on an empty name too, so "x/" reports both problems.
  if (!QUALIFIED_NAME_RE.test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** IsValidLabelValue. */
export function labelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(MAX_LEN(63));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** IsValidPortName (IANA_SVC_NAME): container and service port names. */
export function portName(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 15) errs.push(MAX_LEN(15));
  if (!IANA_SVC_NAME_RE.test(value)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(value)) errs.push('must contain at least one letter (a-z)');
  if (value.includes('--')) errs.push('must not contain consecutive hyphens');
  if (value.length > 0 && (value.startsWith('-') || value.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** IsValidPortNum: 1..65535. */
export function portNumber(port: number): string[] {
  return inclusiveRange(port, 1, 65535);
}

// ---------------------------------------------------------------------------------------------
// Object names (k8s.io/apimachinery/pkg/api/validation generic.go). With prefix = true the value is
// a generateName: a trailing '-' is masked first, since a random suffix will follow it.

/** MaskTrailingDash, byte for byte: "ab-" becomes "aa" (upstream drops two bytes and appends 'a'). */
export function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/** NameIsDNSSubdomain (Pods, Nodes, Deployments, most kinds). */
export function nameIsDNSSubdomain(name: string, prefix = false): string[] {
  return dns1123Subdomain(prefix ? maskTrailingDash(name) : name);
}

/** NameIsDNSLabel (Namespaces: ValidateNamespaceName). */
export function nameIsDNSLabel(name: string, prefix = false): string[] {
  return dns1123Label(prefix ? maskTrailingDash(name) : name);
}

/** NameIsDNS1035Label (Services). */
export function nameIsDNS1035Label(name: string, prefix = false): string[] {
  return dns1035Label(prefix ? maskTrailingDash(name) : name);
}

// ---------------------------------------------------------------------------------------------
// IP addresses: Go 1.16 net.ParseIP / ParseCIDR semantics (k8s.io/utils/net ParseIPSloppy), with the
// extra facts netip.ParseAddr would decide (leading zeros, IPv4-mapped IPv6).

export interface ParsedIP {
  /** 16 bytes; IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d), as Go does. */
  bytes: Uint8Array;
  /** Written in dotted IPv4 form (not as IPv6 text). */
  dotted: boolean;
  /** netip.ParseAddr would accept the text too (no leading zeros, no over-long hex groups). */
  strict: boolean;
}

const V4_IN_V6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

interface V4Result {
  octets: number[];
  strict: boolean;
}

/** Dotted quad; leading zeros allowed (sloppy) but remembered. */
function parseV4(s: string): V4Result | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  let strict = true;
  for (const p of parts) {
    if (!/^[0-9]+$/.test(p)) return null;
    let n = 0;
    for (let i = 0; i < p.length && n <= 255; i++) n = n * 10 + (p.charCodeAt(i) - 48);
    if (n > 255) return null;
    if (p.length > 1 && p[0] === '0') strict = false;
    octets.push(n);
  }
  return { octets, strict };
}

function parseV6(s: string): { bytes: Uint8Array; strict: boolean } | null {
  const ip = new Uint8Array(16);
  let strict = true;
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return { bytes: ip, strict };
  }
  let i = 0;
  while (i < 16) {
    const m = /^[0-9a-fA-F]+/.exec(s);
    if (!m) return null;
    const hex = m[0];
    if (s[hex.length] === '.') {
      // Trailing IPv4: only in the last 32 bits.
      if (ellipsis < 0 && i !== 12) return null;
      if (i + 4 > 16) return null;
      const v4 = parseV4(s);
      if (!v4) return null;
      if (!v4.strict) strict = false;
      ip.set(v4.octets, i);
      s = '';
      i += 4;
      break;
    }
    // Go's xtoi: any number of hex digits while the value stays below 0xFFFFFF, then <= 0xFFFF.
    const n = parseInt(hex.replace(/^0+(?=.)/, ''), 16);
    if (hex.replace(/^0+(?=.)/, '').length > 4 || n > 0xffff) return null;
    if (hex.length > 4) strict = false;
    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;
    s = s.slice(hex.length);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return null;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return null;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return null;
  if (i < 16) {
    if (ellipsis < 0) return null;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return null; // "::" must stand for at least one group
  }
  return { bytes: ip, strict };
}

/** ParseIPSloppy: IPv4 or IPv6 text (no zone), or null. */
export function parseIP(s: string): ParsedIP | null {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') {
      const v4 = parseV4(s);
      if (!v4) return null;
      const bytes = new Uint8Array(16);
      bytes.set(V4_IN_V6);
      bytes.set(v4.octets, 12);
      return { bytes, dotted: true, strict: v4.strict };
    }
    if (c === ':') {
      const v6 = parseV6(s);
      return v6 ? { bytes: v6.bytes, dotted: false, strict: v6.strict } : null;
    }
  }
  return null;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 12; i++) if (b[i] !== V4_IN_V6[i]) return false;
  return true;
}

/** Go's net.IP.String(): dotted for IPv4 (and IPv4-mapped), RFC 5952 for IPv6. */
export function formatIP(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  if (isV4Mapped(b)) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  // Longest run of zero groups (first one on ties), only when at least two groups long.
  let e0 = -1, e1 = -1;
  for (let i = 0; i < 16; i += 2) {
    let j = i;
    while (j < 16 && b[j] === 0 && b[j + 1] === 0) j += 2;
    if (j > i && j - i > e1 - e0) {
      e0 = i;
      e1 = j;
      i = j;
    }
  }
  if (e1 - e0 <= 2) e0 = e1 = -1;
  let out = '';
  for (let i = 0; i < 16; i += 2) {
    if (i === e0) {
      out += '::';
      i = e1;
      if (i >= 16) break;
    } else if (i > 0) {
      out += ':';
    }
    out += ((b[i]! << 8) | b[i + 1]!).toString(16);
  }
  return out;
}

const IP_INVALID = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
const CIDR_INVALID = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function ipProblems(value: string): { ip: ParsedIP | null; errs: string[] } {
  const ip = parseIP(value);
  if (!ip) return { ip, errs: [IP_INVALID] };
  const errs: string[] = [];
  if (!ip.strict) errs.push('must not have leading 0s');
  else if (!ip.dotted && isV4Mapped(ip.bytes)) errs.push('must not be an IPv4-mapped IPv6 address');
  return { ip, errs };
}

/** True for text netip.ParseAddr reads as an IPv4 address. */
export function isIPv4(value: string): boolean {
  const ip = parseIP(value);
  return ip !== null && ip.dotted && ip.strict;
}

/** True for text netip.ParseAddr reads as an IPv6 address (IPv4-mapped included). */
export function isIPv6(value: string): boolean {
  const ip = parseIP(value);
  return ip !== null && !ip.dotted && ip.strict;
}

/** IsValidIPForLegacyField with strict validation: fields such as hostIP, clusterIP, podIP. */
export function ipAddress(value: string): string[] {
  return ipProblems(value).errs;
}

/** IsValidIP: new fields; also requires canonical text ("2001:db8::1", not "2001:DB8:0::1"). */
export function ipAddressStrict(value: string): string[] {
  const { ip, errs } = ipProblems(value);
  if (errs.length > 0 || !ip) return errs;
  const canonical = formatIP(ip.bytes);
  return value === canonical ? [] : [`must be in canonical form (${JSON.stringify(canonical)})`];
}

export interface ParsedCIDR {
  /** Network address (host bits cleared), 4 bytes for IPv4 and 16 for IPv6. */
  network: Uint8Array;
  /** The address as written, same length as network. */
  address: Uint8Array;
  prefix: number;
  /** netip.ParsePrefix would accept the text (no leading zeros in address or prefix length). */
  strict: boolean;
  /** Written in IPv6 form around an IPv4-mapped address. */
  mapped: boolean;
}

/** ParseCIDRSloppy. */
export function parseCIDR(value: string): ParsedCIDR | null {
  const slash = value.indexOf('/');
  if (slash < 0) return null;
  const addr = value.slice(0, slash);
  const mask = value.slice(slash + 1);
  let address: Uint8Array;
  let strict: boolean;
  let mapped = false;
  const v4 = parseV4(addr);
  if (v4) {
    address = Uint8Array.from(v4.octets);
    strict = v4.strict;
  } else {
    const v6 = parseV6(addr);
    if (!v6) return null;
    address = v6.bytes;
    strict = v6.strict;
    mapped = isV4Mapped(v6.bytes);
  }
  if (!/^[0-9]+$/.test(mask)) return null;
  const digits = mask.replace(/^0+(?=.)/, '');
  const prefix = digits.length > 3 ? Infinity : Number(digits);
  if (!(prefix <= address.length * 8)) return null;
  if (mask.length > 1 && mask[0] === '0') strict = false;
  const network = address.slice();
  for (let bit = prefix; bit < network.length * 8; bit++) network[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return { network, address, prefix, strict, mapped };
}

/** Go's IPNet.String(): network address and prefix length (IPv4-mapped networks print as IPv4). */
export function formatCIDR(c: ParsedCIDR): string {
  const mappedNet = c.network.length === 16 && isV4Mapped(c.network);
  return `${formatIP(c.network)}/${mappedNet ? c.prefix - 96 : c.prefix}`;
}

function cidrProblems(value: string): { c: ParsedCIDR | null; errs: string[] } {
  const c = parseCIDR(value);
  if (!c) return { c, errs: [CIDR_INVALID] };
  if (!c.strict) return { c, errs: ['must not have leading 0s in IP or prefix length'] };
  if (c.mapped) return { c, errs: ['must not have an IPv4-mapped IPv6 address'] };
  for (let i = 0; i < c.address.length; i++) {
    if (c.address[i] !== c.network[i]) return { c, errs: ['must not have bits set beyond the prefix length'] };
  }
  return { c, errs: [] };
}

/** IsValidCIDRForLegacyField with strict validation (e.g. loadBalancerSourceRanges, podCIDR). */
export function cidr(value: string): string[] {
  return cidrProblems(value).errs;
}

/** IsValidCIDR: new fields; also requires canonical text. */
export function cidrStrict(value: string): string[] {
  const { c, errs } = cidrProblems(value);
  if (errs.length > 0 || !c) return errs;
  const canonical = formatCIDR(c);
  return value === canonical ? [] : [`must be in canonical form (${JSON.stringify(canonical)})`];
}

// ---------------------------------------------------------------------------------------------

/** Go's %q for a string, as field errors print values ("Invalid value: %q"). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd'; // lone surrogate: Go sees invalid UTF-8
    else if (!/[\p{L}\p{M}\p{N}\p{P}\p{S}]| /u.test(ch)) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
