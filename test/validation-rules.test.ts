// Kubernetes validation rules with upstream's cases (util/validation validation_test.go, ip_test.go)
// and exact message strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cidr, cidrStrict, dns1035Label, dns1123Label, dns1123Subdomain, formatIP, goQuote, inclusiveRange, ipAddress, ipAddressStrict,
  isIPv4, isIPv6, labelValue, maskTrailingDash, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, parseCIDR, parseIP,
  portName, portNumber, qualifiedName, regexError,
} from '../src/k8s/validation.js';

const LABEL_RE_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_RE_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_RE_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const a = (n: number) => 'a'.repeat(n);

test('RegexError formats examples exactly as upstream', () => {
  assert.equal(regexError('m', 'f'), "m (regex used for validation is 'f')");
  assert.equal(regexError('m', 'f', 'x'), "m (e.g. 'x', regex used for validation is 'f')");
  assert.equal(regexError('m', 'f', 'x', 'y', 'z'), "m (e.g. 'x',  or 'y',  or 'z', regex used for validation is 'f')");
});

test('IsDNS1123Label (upstream cases)', () => {
  const good = ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', a(63)];
  for (const v of good) assert.deepEqual(dns1123Label(v), [], v);
  const bad = ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', a(64)];
  for (const v of bad) assert.notDeepEqual(dns1123Label(v), [], JSON.stringify(v));
  assert.deepEqual(dns1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(dns1123Label('Prod_1'), [LABEL_RE_MSG]);
  assert.deepEqual(dns1123Label(a(64)), ['must be no more than 63 characters']);
  assert.deepEqual(dns1123Label(`-${a(63)}`), ['must be no more than 63 characters', LABEL_RE_MSG]);
});

test('IsDNS1123Subdomain (upstream cases): quotes, spaces, newlines, uppercase, leading dash, 253', () => {
  const good = ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a', 'abc.a',
    'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1', 'a--1--2--b.1', '0.a', '01.a', '012.a', '1a.a',
    '1-a.a', '1--a--b--2', '0.1', '01.1', '012.1', '1a.1', '1-a.1', '1--a--b--2.1', 'a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5',
    '11.22.33.44.55', a(253)];
  for (const v of good) assert.deepEqual(dns1123Subdomain(v), [], v);
  const bad = ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.',
    'a.', '.a', 'a..b', '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'A.a', 'aB.a', 'ab.A', 'A1.a', 'a1.A',
    'A.1', 'aB.1', 'A1.1', '1A.1', '0.A', '01.A', '012.A', '1A.a', '1a.A', 'A.B.C.D.E', 'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee',
    'a@b', 'a,b', 'a_b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b', a(254), '"web"', "we\nb", 'my web', 'Web', '-web'];
  for (const v of bad) assert.notDeepEqual(dns1123Subdomain(v), [], JSON.stringify(v));
  assert.deepEqual(dns1123Subdomain('Web'), [SUBDOMAIN_RE_MSG]);
  assert.deepEqual(dns1123Subdomain(a(254)), ['must be no more than 253 characters']);
  // Lengths are UTF-8 bytes, like Go's len().
  assert.deepEqual(dns1123Subdomain('é'.repeat(127)), ['must be no more than 253 characters', SUBDOMAIN_RE_MSG]);
});

test('IsDNS1035Label (upstream cases)', () => {
  for (const v of ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', a(63)]) assert.deepEqual(dns1035Label(v), [], v);
  for (const v of ['0', '01', '012', '1a', '1-a', '1--a--b--2', '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1',
    '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', a(64)]) {
    assert.notDeepEqual(dns1035Label(v), [], JSON.stringify(v));
  }
  assert.deepEqual(dns1035Label('1-svc'), [DNS1035_RE_MSG]);
});

test('IsQualifiedName (upstream cases) and messages', () => {
  const good = ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num', '1234/5678',
    '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', a(63), `${a(253)}/${'b'.repeat(63)}`];
  for (const v of good) assert.deepEqual(qualifiedName(v), [], v);
  const bad = ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc',
    'example.com/', '/simple', a(64), `${a(254)}/abc`];
  for (const v of bad) assert.notDeepEqual(qualifiedName(v), [], v);
  assert.deepEqual(qualifiedName('-app'), [NAME_PART_MSG]);
  assert.deepEqual(qualifiedName('example.com/'), ['name part must be non-empty', NAME_PART_MSG]);
  assert.deepEqual(qualifiedName('/simple'), ['prefix part must be non-empty']);
  assert.deepEqual(qualifiedName(a(64)), ['name part must be no more than 63 characters']);
  assert.deepEqual(qualifiedName('Example.com/abc'), [`prefix part ${SUBDOMAIN_RE_MSG}`]);
  assert.match(qualifiedName('a/b/c')[0]!, /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
});

test('IsValidLabelValue (upstream cases)', () => {
  for (const v of ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', a(63), '']) assert.deepEqual(labelValue(v), [], v);
  for (const v of ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-',
    '.starts.with.dot', 'ends.with.dot.', a(64)]) {
    assert.notDeepEqual(labelValue(v), [], v);
  }
  assert.deepEqual(labelValue('a b'), [LABEL_VALUE_MSG]);
  assert.deepEqual(labelValue(a(64)), ['must be no more than 63 characters']);
});

test('IsValidPortName (IANA_SVC_NAME) and IsValidPortNum', () => {
  for (const v of ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3']) assert.deepEqual(portName(v), [], v);
  for (const v of ['longerthan15characters', '', a(16), '12345', '1-2-3-4', '-begin', 'end-', 'two--hyphens', 'whois++']) {
    assert.notDeepEqual(portName(v), [], v);
  }
  assert.deepEqual(portName('-1--'), ['must contain at least one letter (a-z)', 'must not contain consecutive hyphens', 'must not begin or end with a hyphen']);
  assert.deepEqual(portName(''), ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']);
  assert.deepEqual(portName('Http_Port_Name_X'), ['must be no more than 15 characters', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']);
  for (const p of [1, 1000, 65535]) assert.deepEqual(portNumber(p), []);
  for (const p of [0, -1, 65536, 100000, 1.5]) assert.deepEqual(portNumber(p), ['must be between 1 and 65535, inclusive']);
  assert.deepEqual(inclusiveRange(5, 0, 4), ['must be between 0 and 4, inclusive']);
});

test('object names: generateName masks a trailing dash as upstream MaskTrailingDash does', () => {
  assert.equal(maskTrailingDash('web-'), 'wea');
  assert.equal(maskTrailingDash('a-'), 'a');
  assert.equal(maskTrailingDash('-'), '-');
  assert.equal(maskTrailingDash('web'), 'web');
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.notDeepEqual(nameIsDNSSubdomain('web-', false), []);
  assert.notDeepEqual(nameIsDNSSubdomain('-', true), []);
  assert.deepEqual(nameIsDNSLabel('team-', true), []);
  assert.deepEqual(nameIsDNSLabel('team.a', false), ['must not contain dots']);
  assert.deepEqual(nameIsDNS1035Label('svc-', true), []);
  assert.notDeepEqual(nameIsDNS1035Label('1svc', false), []);
});

test('IP parsing and formatting follow Go net.ParseIP / IP.String', () => {
  const canon: [string, string][] = [
    ['1.2.3.4', '1.2.3.4'], ['::', '::'], ['::1', '::1'], ['2001:DB8::1', '2001:db8::1'], ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'], ['2001:0db8::0001', '2001:db8::1'], ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'], ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'], ['::ffff:1.2.3.4', '1.2.3.4'], ['::1.2.3.4', '::102:304'],
    ['010.002.003.004', '10.2.3.4'], ['fe80::', 'fe80::'],
  ];
  for (const [input, want] of canon) assert.equal(formatIP(parseIP(input)!.bytes), want, input);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.4 ', ' 1.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::',
    'fe80::1%eth0', '::ffff:1.2.3', '12345::', 'g::1', ':1', '1:', '1.2.3.-4', 'a.b.c.d', '1:2:3:4:5:6:1.2.3.4:1']) {
    assert.equal(parseIP(bad), null, JSON.stringify(bad));
  }
  assert.ok(isIPv4('10.0.0.1'));
  assert.ok(!isIPv4('010.0.0.1'));
  assert.ok(isIPv6('fd00::1'));
  assert.ok(!isIPv6('10.0.0.1'));
});

test('IsValidIPForLegacyField (strict) and IsValidIP messages', () => {
  assert.deepEqual(ipAddress('1.2.3.4'), []);
  assert.deepEqual(ipAddress('2001:DB8::1'), []); // legacy fields allow non-canonical text
  assert.deepEqual(ipAddress('1.2.3'), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(ipAddress('010.002.003.004'), ['must not have leading 0s']);
  assert.deepEqual(ipAddress('1.2.3.04'), ['must not have leading 0s']);
  assert.deepEqual(ipAddress('::ffff:01.2.3.4'), ['must not have leading 0s']);
  assert.deepEqual(ipAddress('::ffff:1.2.3.4'), ['must not be an IPv4-mapped IPv6 address']);
  assert.deepEqual(ipAddress('fe80::1%eth0'), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(ipAddressStrict('2001:db8::1'), []);
  assert.deepEqual(ipAddressStrict('2001:DB8::1'), ['must be in canonical form ("2001:db8::1")']);
  assert.deepEqual(ipAddressStrict('2001:db8:0:0:0:0:0:1'), ['must be in canonical form ("2001:db8::1")']);
  assert.deepEqual(ipAddressStrict('10.9.8.7'), []);
  assert.deepEqual(ipAddressStrict('010.9.8.7'), ['must not have leading 0s']);
});

test('CIDR parsing and IsValidCIDR(ForLegacyField) messages', () => {
  const invalid = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
  assert.deepEqual(cidr('10.9.8.0/24'), []);
  assert.deepEqual(cidr('2001:DB8::/64'), []);
  assert.deepEqual(cidr('0.0.0.0/0'), []);
  assert.deepEqual(cidr('::/0'), []);
  for (const bad of ['', '10.9.8.0', '10.9.8.0/', '10.9.8.0/33', '2001:db8::/129', '10.9.8.0/-1', '10.9.8.0/+8', '10.9.8/24', 'a/b', '10.9.8.0/24 ']) {
    assert.deepEqual(cidr(bad), [invalid], JSON.stringify(bad));
  }
  assert.deepEqual(cidr('10.9.8.7/24'), ['must not have bits set beyond the prefix length']);
  assert.deepEqual(cidr('10.9.8.0/024'), ['must not have leading 0s in IP or prefix length']);
  assert.deepEqual(cidr('010.9.8.0/24'), ['must not have leading 0s in IP or prefix length']);
  assert.deepEqual(cidr('::ffff:10.9.8.0/120'), ['must not have an IPv4-mapped IPv6 address']);
  assert.deepEqual(cidrStrict('2001:DB8::/64'), ['must be in canonical form ("2001:db8::/64")']);
  assert.deepEqual(cidrStrict('2001:db8::/64'), []);
  const c = parseCIDR('10.9.8.7/24')!;
  assert.deepEqual([...c.network], [10, 9, 8, 0]);
  assert.equal(c.prefix, 24);
  assert.equal(parseCIDR('10.9.8.0/0000000000024')!.prefix, 24); // Go's dtoi takes any number of leading zeros
});

test("goQuote matches Go's %q", () => {
  assert.equal(goQuote('web'), '"web"');
  assert.equal(goQuote('"web"'), '"\\"web\\""');
  assert.equal(goQuote('we\nb'), '"we\\nb"');
  assert.equal(goQuote('a\tb\\c'), '"a\\tb\\\\c"');
  assert.equal(goQuote('\x01\x7f'), '"\\x01\\x7f"');
  assert.equal(goQuote('é ü'), '"é ü"');
  assert.equal(goQuote('a\u00a0b'), '"a\\u00a0b"');
  assert.equal(goQuote('\u2028'), '"\\u2028"');
});
